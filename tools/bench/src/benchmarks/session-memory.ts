/**
 * Memory per 10k live sessions: starts the reference server alone in a child process
 * (support/memory-host.ts, production profile, embedded store), warms it with create + release
 * cycles, reads its memory after a full GC, creates `sessions` sessions over HTTP (32 at a time)
 * and leaves them live, reads its memory again, and scales the difference to 10k sessions.
 * RSS includes the pages of the LMDB map the sessions were written to; the heap does not hold them.
 *
 *   node --import tsx tools/bench/src/benchmarks/session-memory.ts [--sessions 10000] [--out FILE]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { BENCH_SESSION, CALL_CONTROL_BASE_PATH } from '../../../../packages/server/bench/support/run-load.js';
import { parseBenchArgs, positive, writeResult } from '../result-file.js';

const HOST = fileURLToPath(new URL('./support/memory-host.ts', import.meta.url));
const CONCURRENCY = 32;
const WARMUP_CYCLES = 300;

type Memory = NodeJS.MemoryUsage;
type HostMessage = { type: 'ready'; apiRoot: string } | { type: 'memory'; memory: Memory };

/** What this child writes: bytes, before and after, and the difference scaled to 10k sessions. */
export interface SessionMemoryResult {
  sessions: number;
  before: Memory;
  after: Memory;
  per10k: { rss: number; heapUsed: number; external: number };
  createPerS: number;
}

const args = parseBenchArgs({ sessions: { type: 'string', default: '10000' } });
const sessions = positive('sessions', args.sessions);

const host = fork(HOST, [], {
  execArgv: ['--expose-gc', '--import', import.meta.resolve('tsx')],
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
const inbox: HostMessage[] = [];
const waiting: Array<(message: HostMessage) => void> = [];
host.on('message', (message: HostMessage) => {
  const next = waiting.shift();
  if (next) next(message);
  else inbox.push(message);
});
const exited = new Promise<never>((_, reject) => host.once('exit', (code) => reject(new Error(`memory host exited with ${code}`))));
exited.catch(() => undefined);
const receive = <T extends HostMessage['type']>(type: T): Promise<Extract<HostMessage, { type: T }>> =>
  Promise.race([
    new Promise<HostMessage>((resolve) => {
      const queued = inbox.shift();
      if (queued) resolve(queued);
      else waiting.push(resolve);
    }),
    exited,
  ]).then((message) => {
    if (message.type !== type) throw new Error(`memory host sent ${message.type}, expected ${type}`);
    return message as Extract<HostMessage, { type: T }>;
  });
const measure = async (): Promise<Memory> => {
  host.send('measure');
  return (await receive('memory')).memory;
};

try {
  const { apiRoot } = await receive('ready');
  const pool = new Pool(apiRoot, { connections: CONCURRENCY, pipelining: 1 });
  const body = JSON.stringify(BENCH_SESSION);
  const path = `${CALL_CONTROL_BASE_PATH}/ims-sessions`;
  const create = async (): Promise<string> => {
    const response = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body });
    const text = await response.body.text();
    if (response.statusCode !== 201) throw new Error(`POST answered ${response.statusCode}: ${text.slice(0, 300)}`);
    return new URL(String(response.headers.location)).pathname;
  };
  /** Runs `count` tasks, CONCURRENCY at a time. */
  const times = async (count: number, task: () => Promise<unknown>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          next += 1;
          await task();
        }
      }),
    );
  };

  // Warm up with sessions that do not stay, so that lazily built state (compiled validators,
  // pools, JIT) is in `before`, not in the difference.
  await times(WARMUP_CYCLES, async () => {
    const location = await create();
    const released = await pool.request({ method: 'DELETE', path: location });
    await released.body.dump();
  });
  const before = await measure();
  const started = performance.now();
  await times(sessions, create);
  const createPerS = (sessions / (performance.now() - started)) * 1000;
  const after = await measure();
  await pool.close();
  const scale = 10_000 / sessions;
  await writeResult(args.out, {
    sessions,
    before,
    after,
    per10k: {
      rss: (after.rss - before.rss) * scale,
      heapUsed: (after.heapUsed - before.heapUsed) * scale,
      external: (after.external - before.external) * scale,
    },
    createPerS,
  } satisfies SessionMemoryResult);
} finally {
  host.send('stop');
  const stopped = await Promise.race([exited.catch(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 10_000))]);
  if (!stopped) host.kill('SIGKILL');
}
