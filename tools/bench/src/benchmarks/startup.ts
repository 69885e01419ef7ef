/**
 * Start-up time to ready: builds the server (`pnpm --filter @mmtel/server build`, before any
 * timing), then spawns `node packages/server/dist/main.js` as `pnpm start` runs it (production
 * profile, a fresh temporary MMTEL_DATA_DIR, a free PORT) and times spawn → first 200 from
 * /readyz, `runs` times. The floor is a plain node:http server of a few lines under the same
 * `node`: what Node itself costs before any server code runs.
 *
 *   node --import tsx tools/bench/src/benchmarks/startup.ts [--runs 3] [--out FILE]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@mmtel/server';
import { median } from '../stats.js';
import { parseBenchArgs, positive, writeResult } from '../result-file.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SERVER_PACKAGE = join(REPO_ROOT, 'packages/server');
const MAIN = join(SERVER_PACKAGE, 'dist/main.js');
/** The floor: answers /readyz as soon as it listens. */
const FLOOR = `import { createServer } from 'node:http';
createServer((request, response) => response.writeHead(request.url === '/readyz' ? 200 : 404).end())
  .listen(Number(process.env.PORT), process.env.HOST);`;
const GIVE_UP_MS = 60_000;

/** What this child writes: ms from spawn to the first 200 of /readyz, each run and the median. */
export interface StartupResult {
  serverMs: number[];
  floorMs: number[];
  serverMedianMs: number;
  floorMedianMs: number;
}

/** Spawns `node ARGS`, polls its /readyz until 200, kills it; returns the ms in between. */
async function timeToReady(script: string, args: string[], env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before ready: ${stderr.slice(-500)}`))),
  );
  exited.catch(() => undefined);
  try {
    for (;;) {
      if (performance.now() - started > GIVE_UP_MS) throw new Error(`${script} not ready after ${GIVE_UP_MS} ms`);
      const answer = await Promise.race([
        fetch(`http://127.0.0.1:${port}/readyz`).then(
          (response) => response.status,
          () => 0,
        ),
        exited,
      ]);
      if (answer === 200) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) =>
      child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined),
    );
  }
}

const args = parseBenchArgs({ runs: { type: 'string', default: '3' } });
// `pnpm --filter @mmtel/server build`, without pnpm's own start-up in the way.
execFileSync(join(SERVER_PACKAGE, 'node_modules/.bin/tsup'), [], {
  cwd: SERVER_PACKAGE,
  stdio: 'ignore',
  env: { ...process.env, DECLARATIONS: 'off' },
});
const runs = positive('runs', args.runs);
const serverMs: number[] = [];
const floorMs: number[] = [];
// Alternate, so that whatever else the machine does hits both alike.
for (let i = 0; i < runs; i++) {
  const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-bench-startup-'));
  try {
    serverMs.push(await timeToReady('the server', [MAIN], { MMTEL_DATA_DIR: dataDir, MMTEL_PROFILE: 'production', LOG_LEVEL: 'warn' }));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  floorMs.push(await timeToReady('the floor', ['--input-type=module', '--eval', FLOOR], {}));
}
await writeResult(args.out, {
  serverMs,
  floorMs,
  serverMedianMs: median(serverMs),
  floorMedianMs: median(floorMs),
} satisfies StartupResult);
