import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { LoadMessage, LoadOptions, LoadResult } from './load-worker.js';

/**
 * A load run's result, with the share of the measured window this thread's event loop was busy
 * and the CPU time this process used in it (µs, user + system, all its threads).
 */
export type MeasuredLoad = LoadResult & { eventLoopUtilization: number; cpuUs: number };

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
    return await measure(
      (listener) => worker.on('message', listener),
      (fail) => {
        worker.once('error', fail);
        worker.once('exit', (code) => fail(new Error(`load worker exited with code ${code} before reporting`)));
      },
    );
  } finally {
    await worker.terminate();
  }
}

/**
 * The same load from a child process of its own, so that this process's CPU time over the
 * measured window is the target's alone (a worker thread's would count in it).
 */
export async function runLoadInProcess(options: LoadOptions): Promise<MeasuredLoad> {
  const child = fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    env: { ...process.env, MMTEL_LOAD_OPTIONS: JSON.stringify(options) },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    return await measure(
      (listener) => child.on('message', listener),
      (fail) => {
        child.once('error', fail);
        // 'close', not 'exit': messages still in the IPC channel are delivered before it.
        child.once('close', (code) => fail(new Error(`load process exited with code ${code} before reporting`)));
      },
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Samples this thread's event-loop utilisation and this process's CPU time between `measuring` and `measured`. */
function measure(
  onMessage: (listener: (message: LoadMessage) => void) => void,
  onFailure: (fail: (error: Error) => void) => void,
): Promise<MeasuredLoad> {
  return new Promise((resolve, reject) => {
    let from: { elu: ReturnType<typeof performance.eventLoopUtilization>; cpu: NodeJS.CpuUsage } | undefined;
    let utilization = Number.NaN;
    let cpuUs = Number.NaN;
    onMessage((message) => {
      if (message.type === 'measuring') from = { elu: performance.eventLoopUtilization(), cpu: process.cpuUsage() };
      else if (message.type === 'measured' && from) {
        utilization = performance.eventLoopUtilization(from.elu).utilization;
        const used = process.cpuUsage(from.cpu);
        cpuUs = used.user + used.system;
      } else if (message.type === 'result') resolve({ ...message.result, eventLoopUtilization: utilization, cpuUs });
    });
    onFailure(reject);
  });
}

/** The q-quantile of ascending `sorted` (nearest rank); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Where the MMTel_CallControl API sits on every benchmark target (its apiRoot is the origin). */
export const CALL_CONTROL_BASE_PATH = '/mmtel-callcontrol/v1';

/**
 * One create + release on `origin` before the load, so that no target meets its first request
 * (validators compiled, express-openapi-validator's spec loaded, code not yet optimized) under it.
 */
export async function primeCreateRelease(origin: string): Promise<void> {
  const created = await fetch(`${origin}${CALL_CONTROL_BASE_PATH}/ims-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_SESSION),
  });
  const text = await created.text();
  if (created.status !== 201) throw new Error(`${origin}: POST answered ${created.status}: ${text.slice(0, 300)}`);
  const released = await fetch(created.headers.get('location')!, { method: 'DELETE' });
  if (released.status !== 204) throw new Error(`${origin}: DELETE answered ${released.status}`);
}

/** The ImsSession every create + release benchmark creates. */
export const BENCH_SESSION = {
  afId: 'default',
  imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
  notifUri: 'http://127.0.0.1:9/notify',
};
