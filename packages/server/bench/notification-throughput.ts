/**
 * Notification delivery throughput: the engine on an LMDB outbox against a raw undici POST loop,
 * both at the same concurrency, to the same loopback receiver (node:http answering 204, in a
 * worker thread so that it does not share the event loop being measured).
 *
 *   tsx bench/notification-throughput.ts [--notifications 20000] [--sessions 200] [--concurrency 64] [--out FILE]
 *
 * With --out, the figures are also written there as JSON (pnpm bench reads them).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { DEFAULT_DELIVERY_POLICY, NotificationEngine, type EngineLogger } from '../src/notifications/index.js';
import { openLmdbStore } from '../src/store/lmdb-store.js';
import type { NewNotification } from '../src/store/store.js';

const { values } = parseArgs({
  options: {
    notifications: { type: 'string', default: '20000' },
    sessions: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: String(DEFAULT_DELIVERY_POLICY.concurrency) },
    out: { type: 'string' },
  },
});
const total = Number(values.notifications);
const sessions = Number(values.sessions);
const concurrency = Number(values.concurrency);

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

const RECEIVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(204); res.end(); });
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

async function startReceiver(): Promise<{ url: string; worker: Worker }> {
  const worker = new Worker(RECEIVER, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  return { url: `http://127.0.0.1:${port}/notify`, worker };
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

const quiet: EngineLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Enqueues `count` notifications into a fresh LMDB store and times the engine delivering them. */
async function runEngine(count: number, url: string): Promise<{ enqueuePerS: number; deliverPerS: number; failed: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-bench-'));
  const store = await openLmdbStore({ path: dir });
  try {
    const engine = new NotificationEngine({
      store,
      instanceId: 'bench',
      logger: quiet,
      policy: { ...DEFAULT_DELIVERY_POLICY, concurrency },
      onPermanentRedirect: async () => {},
    });
    const items = Array.from({ length: count }, (_, i) => notification(i, url));
    const enqueueStart = performance.now();
    for (let i = 0; i < items.length; i += 1_000) await engine.enqueue(items.slice(i, i + 1_000));
    const enqueueMs = performance.now() - enqueueStart;

    const start = performance.now();
    engine.start();
    await engine.whenIdle();
    const ms = performance.now() - start;
    await engine.stop();
    const failed = (await store.outbox.list({ state: 'failed' })).length;
    const pending = await store.outbox.depth();
    if (pending !== 0) throw new Error(`${pending} notifications still pending`);
    return { enqueuePerS: (count / enqueueMs) * 1000, deliverPerS: (count / ms) * 1000, failed };
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
        batch.map((entry) => store.outbox.finish(entry.id, { state: 'delivered', attempts: 1, target: entry.target, at: Date.now(), status: 204 })),
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
async function runBaseline(count: number, url: string): Promise<number> {
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const body = JSON.stringify(notification(0, url).body);
  let next = 0;
  const start = performance.now();
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
  await agent.close();
  return (count / ms) * 1000;
}

const receiver = await startReceiver();
try {
  print(`${total} notifications, ${sessions} sessions, concurrency ${concurrency}, receiver ${receiver.url}`);
  await runEngine(Math.min(2_000, total), receiver.url);
  await runBaseline(Math.min(2_000, total), receiver.url);

  const engine = await runEngine(total, receiver.url);
  const baseline = await runBaseline(total, receiver.url);
  const storeOnly = await runStoreOnly(total, receiver.url);
  print(`enqueue (LMDB, batches of 1000): ${engine.enqueuePerS.toFixed(0)} notifications/s`);
  print(`engine delivery:                 ${engine.deliverPerS.toFixed(0)} notifications/s${engine.failed > 0 ? ` (${engine.failed} failed)` : ''}`);
  print(`raw undici POST loop:            ${baseline.toFixed(0)} requests/s`);
  print(`engine / raw:                    ${(engine.deliverPerS / baseline).toFixed(2)}`);
  print(`LMDB claim+finish alone:         ${storeOnly.toFixed(0)} notifications/s (no HTTP; the store's share)`);
  if (values.out !== undefined) {
    const figures = { notifications: total, sessions, concurrency, enqueuePerS: engine.enqueuePerS, engineDeliverPerS: engine.deliverPerS, failed: engine.failed, rawUndiciPerS: baseline, storeOnlyPerS: storeOnly };
    await writeFile(values.out, `${JSON.stringify(figures, null, 2)}\n`);
  }
} finally {
  await receiver.worker.terminate();
}
