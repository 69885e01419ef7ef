/**
 * The create + release load of packages/server/bench/support/load-worker.ts, split over several
 * server instances: one worker thread per instance, each running its share of the loops against
 * that instance only. A loop's DELETE goes where its POST went (the worker sends it to its own
 * origin, with the Location's path). The caller is told when every worker measures and when the
 * first stops, so that it can read other processes' CPU time over that common window.
 */
import { Worker } from 'node:worker_threads';
import type { LoadMessage, LoadOptions, LoadResult } from '../../../../../packages/server/bench/support/load-worker.js';

/** What runSplitLoad needs. */
export interface SplitLoadOptions extends Omit<LoadOptions, 'origin' | 'concurrency'> {
  /** One origin per instance. */
  origins: readonly string[];
  /** Loops in all, dealt out as evenly as they go (32 over 2 instances: 16 each). */
  concurrency: number;
  /** Called when the last worker starts measuring. */
  onWindowStart(): Promise<void> | void;
  /** Called when the first worker stops measuring. */
  onWindowEnd(): Promise<void> | void;
}

/** Each worker's result, in the order of the origins. */
export type SplitLoadResult = LoadResult[];

/** Starts one load worker thread on `options`; tsx is registered inside by hand, as run-load.ts does. */
function startWorker(options: LoadOptions): Worker {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const script = new URL('../../../../../packages/server/bench/support/load-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(boot, { eval: true, workerData: options });
}

/** Runs the loops of every instance at once, and resolves with each worker's figures. */
export async function runSplitLoad(options: SplitLoadOptions): Promise<SplitLoadResult> {
  const { origins, concurrency, onWindowStart, onWindowEnd, ...load } = options;
  let measuring = 0;
  let measured = 0;
  // The hooks run in order, whatever their timing: the end must not overtake the start.
  let hooks: Promise<void> = Promise.resolve();
  const workers = origins.map((origin, i) => {
    const loops = Math.floor(concurrency / origins.length) + (i < concurrency % origins.length ? 1 : 0);
    return startWorker({ ...load, origin, concurrency: loops });
  });
  try {
    const results = await Promise.all(
      workers.map(
        (worker) =>
          new Promise<LoadResult>((resolve, reject) => {
            worker.on('message', (message: LoadMessage) => {
              if (message.type === 'measuring' && ++measuring === workers.length) hooks = hooks.then(onWindowStart);
              else if (message.type === 'measured' && ++measured === 1) hooks = hooks.then(onWindowEnd);
              else if (message.type === 'result') resolve(message.result);
            });
            worker.once('error', reject);
            worker.once('exit', (code) => reject(new Error(`load worker exited with code ${code} before reporting`)));
          }),
      ),
    );
    await hooks;
    return results;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
