/**
 * Notification delivery throughput: the engine on an LMDB outbox against a raw undici POST loop,
 * both at the same concurrency, to the same loopback receiver (node:http answering 204, in a
 * process of its own so that neither its event loop nor its CPU time counts here). Also prints
 * the CPU time each spends per notification, which other work on the machine barely changes.
 *
 *   tsx bench/notification-throughput.ts [--notifications 20000] [--sessions 200] [--concurrency 64] [--rounds 1] [--out FILE]
 *
 * With --rounds N, engine and raw loop alternate N times (each round starting with the other one)
 * and the medians are reported, so that a burst of other work on the machine does not decide.
 *
 * With --out, the figures are also written there as JSON (pnpm bench reads them).
 *
 * The engine runs with the delivery policy of a server started without any variable
 * (NotificationEngine.defaultPolicy, which takes the configuration schema's defaults), but for
 * --concurrency.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { NotificationEngine, NotificationQueue, type EngineLogger } from '../src/notifications/index.js';
import { openLmdbStore } from '../src/store/lmdb/lmdb-store.js';
import type { NewNotification } from '../src/store/store.js';

const { values } = parseArgs({
  options: {
    notifications: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '1' },
    sessions: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: String(NotificationEngine.defaultPolicy.concurrency) },
    out: { type: 'string' },
  },
});
const total = Number(values.notifications);
const rounds = Number(values.rounds);
const sessions = Number(values.sessions);
const concurrency = Number(values.concurrency);

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Starts the receiver process; `stop` ends it. */
async function startReceiver(): Promise<{ url: string; stop(): void }> {
  const child = fork(fileURLToPath(new URL('./support/loopback-receiver.ts', import.meta.url)), [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(message as number));
    child.once('exit', (code) => reject(new Error(`receiver exited with code ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/notify`, stop: () => child.kill() };
}

/** The median (the upper one of an even count). */
function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}

/** CPU time (µs, user + system, every thread of this process) used by `run`. */
async function cpuOf<T>(run: () => Promise<T>): Promise<{ result: T; cpuUs: number }> {
  const from = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(from);
  return { result, cpuUs: used.user + used.system };
}

function notification(i: number, url: string): NewNotification {
  const sessionId = `session-${i % sessions}`;
  return {
    stream: `session:${sessionId}`,
    callback: 'imsSessionNotification',
    target: url,
    sessionId,
    body: {
      session: `http://127.0.0.1/mmtel-callcontrol/v1/ims-sessions/${sessionId}`,
      sessionId,
      notifCorreId: String(i),
      eventReports: [{ event: 'SESSION_ESTABLISHMENT_SUCCESS', timeStamp: new Date(0).toISOString(), sessionState: 'ESTABLISHED' }],
    },
  };
}

/** The server's logger at its default level (info): the delivered lines (debug) are not written. */
const quiet: EngineLogger = { debug() {}, info() {}, warn() {}, error() {}, isLevelEnabled: (level) => level !== 'debug' };

/** Enqueues `count` notifications into a fresh LMDB store and times the engine delivering them. */
async function runEngine(
  count: number,
  url: string,
): Promise<{ enqueuePerS: number; deliverPerS: number; cpuUsPerNotification: number; failed: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-bench-'));
  const store = await openLmdbStore({ path: dir });
  try {
    const queue = new NotificationQueue(store.outbox);
    const engine = new NotificationEngine({
      store,
      queue,
      instanceId: 'bench',
      logger: quiet,
      policy: { ...NotificationEngine.defaultPolicy, concurrency },
      onPermanentRedirect: async () => {},
    });
    const items = Array.from({ length: count }, (_, i) => notification(i, url));
    const enqueueStart = performance.now();
    for (let i = 0; i < items.length; i += 1_000) await queue.enqueue(items.slice(i, i + 1_000));
    const enqueueMs = performance.now() - enqueueStart;

    const start = performance.now();
    const { cpuUs } = await cpuOf(async () => {
      engine.start();
      await engine.whenIdle();
    });
    const ms = performance.now() - start;
    await engine.stop();
    const failed = (await store.outbox.list({ state: 'failed' })).length;
    const pending = await store.outbox.depth();
    if (pending !== 0) throw new Error(`${pending} notifications still pending`);
    return { enqueuePerS: (count / enqueueMs) * 1000, deliverPerS: (count / ms) * 1000, cpuUsPerNotification: cpuUs / count, failed };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The outbox work of a delivery without the HTTP: claim stream heads, finish them, repeat. */
async function runStoreOnly(count: number, url: string): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-bench-'));
  const store = await openLmdbStore({ path: dir });
  try {
    const items = Array.from({ length: count }, (_, i) => notification(i, url));
    for (let i = 0; i < items.length; i += 1_000) await store.outbox.enqueue(items.slice(i, i + 1_000));
    const start = performance.now();
    for (let done = 0; done < count; ) {
      const batch = await store.outbox.claim({ owner: 'bench', now: Date.now(), limit: concurrency * 2, leaseMs: 60_000 });
      await Promise.all(
        batch.map((entry) =>
          store.outbox.finish(entry.id, { state: 'delivered', attempts: 1, target: entry.target, at: Date.now(), status: 204 }),
        ),
      );
      done += batch.length;
    }
    return (count / (performance.now() - start)) * 1000;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The same POSTs with nothing but undici, `concurrency` loops at once. */
async function runBaseline(count: number, url: string): Promise<{ perS: number; cpuUsPerRequest: number }> {
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const body = JSON.stringify(notification(0, url).body);
  let next = 0;
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const response = await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body });
        await response.body.dump();
        if (response.statusCode !== 204) throw new Error(`receiver answered ${response.statusCode}`);
      }
    }),
  );
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await agent.close();
  return { perS: (count / ms) * 1000, cpuUsPerRequest: (used.user + used.system) / count };
}

const receiver = await startReceiver();
try {
  print(`${total} notifications, ${sessions} sessions, concurrency ${concurrency}, ${rounds} round(s) (medians), receiver ${receiver.url}`);
  await runEngine(Math.min(2_000, total), receiver.url);
  await runBaseline(Math.min(2_000, total), receiver.url);

  const engines: Array<Awaited<ReturnType<typeof runEngine>>> = [];
  const baselines: Array<Awaited<ReturnType<typeof runBaseline>>> = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      engines.push(await runEngine(total, receiver.url));
      baselines.push(await runBaseline(total, receiver.url));
    } else {
      baselines.push(await runBaseline(total, receiver.url));
      engines.push(await runEngine(total, receiver.url));
    }
  }
  const engine = {
    enqueuePerS: median(engines.map((e) => e.enqueuePerS)),
    deliverPerS: median(engines.map((e) => e.deliverPerS)),
    cpuUsPerNotification: median(engines.map((e) => e.cpuUsPerNotification)),
    failed: engines.reduce((sum, e) => sum + e.failed, 0),
  };
  const baseline = { perS: median(baselines.map((b) => b.perS)), cpuUsPerRequest: median(baselines.map((b) => b.cpuUsPerRequest)) };
  const storeOnly = await runStoreOnly(total, receiver.url);
  print(`enqueue (LMDB, batches of 1000): ${engine.enqueuePerS.toFixed(0)} notifications/s`);
  print(
    `engine delivery:                 ${engine.deliverPerS.toFixed(0)} notifications/s, ${engine.cpuUsPerNotification.toFixed(0)} µs CPU each${engine.failed > 0 ? ` (${engine.failed} failed)` : ''}`,
  );
  print(`raw undici POST loop:            ${baseline.perS.toFixed(0)} requests/s, ${baseline.cpuUsPerRequest.toFixed(0)} µs CPU each`);
  print(
    `engine / raw:                    ${(engine.deliverPerS / baseline.perS).toFixed(2)} (throughput), ${(baseline.cpuUsPerRequest / engine.cpuUsPerNotification).toFixed(2)} (CPU)`,
  );
  print(`LMDB claim+finish alone:         ${storeOnly.toFixed(0)} notifications/s (no HTTP; the store's share)`);
  if (values.out !== undefined) {
    const figures = {
      notifications: total,
      rounds,
      sessions,
      concurrency,
      enqueuePerS: engine.enqueuePerS,
      engineDeliverPerS: engine.deliverPerS,
      engineCpuUsPerNotification: engine.cpuUsPerNotification,
      failed: engine.failed,
      rawUndiciPerS: baseline.perS,
      rawCpuUsPerRequest: baseline.cpuUsPerRequest,
      storeOnlyPerS: storeOnly,
      perRound: engines.map((e, i) => ({
        engineDeliverPerS: e.deliverPerS,
        engineCpuUsPerNotification: e.cpuUsPerNotification,
        rawUndiciPerS: baselines[i]!.perS,
        rawCpuUsPerRequest: baselines[i]!.cpuUsPerRequest,
      })),
    };
    await writeFile(values.out, `${JSON.stringify(figures, null, 2)}\n`);
  }
} finally {
  receiver.stop();
}
