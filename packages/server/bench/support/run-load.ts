import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { LoadMessage, LoadOptions, LoadResult } from './load-worker.js';

/** A load run's result, with the share of the measured window this thread's event loop was busy. */
export type MeasuredLoad = LoadResult & { eventLoopUtilization: number };

/**
 * Runs the create + release load generator (load-worker.ts) in a worker thread, so that the
 * client's own CPU does not come out of the target's event loop (which would flatten any ratio),
 * and samples that event loop's utilisation over the measured window. tsx is registered inside
 * the worker by hand: a worker does not inherit the tsx loader of its parent.
 */
export async function runLoad(options: LoadOptions): Promise<MeasuredLoad> {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const script = new URL('./load-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: options });
  try {
    return await new Promise((resolve, reject) => {
      let from: ReturnType<typeof performance.eventLoopUtilization> | undefined;
      let utilization = Number.NaN;
      worker.on('message', (message: LoadMessage) => {
        if (message.type === 'measuring') from = performance.eventLoopUtilization();
        else if (message.type === 'measured' && from) utilization = performance.eventLoopUtilization(from).utilization;
        else if (message.type === 'result') resolve({ ...message.result, eventLoopUtilization: utilization });
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`load worker exited with code ${code} before reporting`)));
    });
  } finally {
    await worker.terminate();
  }
}

/** The q-quantile of ascending `sorted` (nearest rank); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The ImsSession every create + release benchmark creates. */
export const BENCH_SESSION = { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com', notifUri: 'http://127.0.0.1:9/notify' };
