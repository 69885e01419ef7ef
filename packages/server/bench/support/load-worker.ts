/**
 * The load generator, run in a worker thread or in a child process of its own (see runLoad in
 * run-load.ts): `concurrency` loops, each creating an IMS session and releasing it through the
 * Location it got, over one undici Pool. It reports when measuring starts and stops, then the figures.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';

/** What one load run needs. */
export interface LoadOptions {
  /** Scheme, host and port of the target. */
  origin: string;
  /** Path of the IMS sessions collection. */
  collectionPath: string;
  /** The ImsSession sent on every creation. */
  body: Record<string, unknown>;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

/** What the worker posts to its parent, in this order: measuring, measured, result. */
export type LoadMessage = { type: 'measuring' } | { type: 'measured' } | { type: 'result'; result: LoadResult };

/** The figures of one run; only cycles started and finished inside the measured window count. */
export interface LoadResult {
  cycles: number;
  /** Latency of each counted create + release cycle, ms. */
  latenciesMs: Float64Array<ArrayBuffer>;
  /** Non-201/204 answers and failed requests, warm-up included: any error is worth seeing. */
  errors: number;
  /** The first few distinct errors, for printing. */
  errorSamples: string[];
}

const MAX_ERROR_SAMPLES = 5;

/** Runs `post` after `ms`, resolving once it ran. */
function mark(ms: number, post: () => void): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(() => {
      post();
      resolve();
    }, ms),
  );
}

async function run(options: LoadOptions, post: (message: LoadMessage) => void): Promise<LoadResult> {
  // pipelining 1: one request at a time on each connection, kept alive (0 would close it after
  // each request); one connection per loop, so that loops never queue behind each other.
  const pool = new Pool(options.origin, { connections: options.concurrency, pipelining: 1 });
  const body = JSON.stringify(options.body);
  const latencies: number[] = [];
  const errorSamples = new Set<string>();
  let errors = 0;
  const fail = (message: string) => {
    errors += 1;
    if (errorSamples.size < MAX_ERROR_SAMPLES) errorSamples.add(message);
  };

  /** One create + release; returns false if either step failed. */
  const cycle = async (): Promise<boolean> => {
    const created = await pool.request({
      method: 'POST',
      path: options.collectionPath,
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (created.statusCode !== 201) {
      fail(`POST answered ${created.statusCode}: ${(await created.body.text()).slice(0, 300)}`);
      return false;
    }
    await created.body.dump();
    const location = created.headers.location;
    if (typeof location !== 'string') {
      fail('POST answered 201 without a Location');
      return false;
    }
    const released = await pool.request({ method: 'DELETE', path: new URL(location).pathname });
    if (released.statusCode !== 204) {
      fail(`DELETE answered ${released.statusCode}: ${(await released.body.text()).slice(0, 300)}`);
      return false;
    }
    await released.body.dump();
    return true;
  };

  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const measureTo = measureFrom + options.durationMs;
  // The parent samples its event-loop utilisation between these two messages. The result is
  // sent only after both (below), so that it never overtakes 'measured' and the parent's window closes.
  const marked = Promise.all([
    mark(options.warmupMs, () => post({ type: 'measuring' })),
    mark(options.warmupMs + options.durationMs, () => post({ type: 'measured' })),
  ]);

  const loop = async () => {
    while (performance.now() < measureTo) {
      const began = performance.now();
      const ok = await cycle().catch((err: unknown) => {
        fail(`request failed: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      });
      const ended = performance.now();
      if (ok && began >= measureFrom && ended <= measureTo) latencies.push(ended - began);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  await marked;
  await pool.close();
  return { cycles: latencies.length, latenciesMs: Float64Array.from(latencies), errors, errorSamples: [...errorSamples] };
}

if (parentPort) {
  const port = parentPort;
  const result = await run(workerData as LoadOptions, (message) => port.postMessage(message));
  port.postMessage({ type: 'result', result } satisfies LoadMessage, [result.latenciesMs.buffer]);
} else if (process.send !== undefined && process.env['MMTEL_LOAD_OPTIONS'] !== undefined) {
  // Forked (advanced serialization): the options come in the environment, the messages go over IPC.
  const send = (message: LoadMessage) => process.send!(message);
  const result = await run(JSON.parse(process.env['MMTEL_LOAD_OPTIONS']) as LoadOptions, send);
  // Disconnecting right after send() can drop a large message still queued on the channel (the
  // parent then saw an exit before any result): disconnect once it has been handed to the OS.
  process.send({ type: 'result', result } satisfies LoadMessage, undefined, {}, (error) => {
    if (error) process.exitCode = 1;
    process.disconnect();
  });
}
