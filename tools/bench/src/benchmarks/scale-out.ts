/**
 * Scale out, measured: one and then two reference server processes on one PostgreSQL (a private
 * cluster started as the tests start it), under
 *   1. create + release: the load of create-release.ts (load-worker.ts, `concurrency` loops in
 *      all), split over the instances, each loop sticking to one instance;
 *   2. delivery: `notifications` notifications enqueued in the shared outbox, delivered by the
 *      engines of the instances to a loopback receiver in its own process, which checks that
 *      each session's notifications arrive in order and that none arrives twice.
 * For each, the throughput and the CPU time over the measured window of every process (each
 * server, PostgreSQL's, the load generator's or the receiver's, read from /proc), and a sentence
 * computed from them on what limits the second instance on this machine. Linux only (/proc).
 *
 *   node --import tsx tools/bench/src/benchmarks/scale-out.ts [--rounds 1] [--concurrency 32] \
 *     [--warmup 1] [--duration 4] [--notifications 8000] [--streams 200] [--out FILE]
 *
 * With --rounds N, each round runs 1 and 2 instances, in alternating order.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '@mmtel/toolchain';
import {
  BENCH_SESSION,
  CALL_CONTROL_BASE_PATH,
  percentile,
  primeCreateRelease,
} from '../../../../packages/server/bench/support/run-load.js';
import { parseBenchArgs, positive, writeResult } from '../result-file.js';
import { type CpuWindow, cpuPerOp, explainScaleOut, medianRun, type ScaleOutRun } from '../scale-out-analysis.js';
import type { ReceiverCommand, ReceiverMessage, ReceiverReport } from './support/ordered-receiver.js';
import { machineCpuUs, postgresCpuUs, processCpuUs } from './support/process-cpu.js';
import type { ServerCommand, ServerMessage } from './support/server-process.js';
import { runSplitLoad } from './support/split-load.js';

/** One create + release run. */
export interface ScaleOutCreateRelease extends ScaleOutRun {
  loops: number;
  cycles: number;
  durationMs: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  errorSamples: string[];
}

/** One delivery run. */
export interface ScaleOutDelivery extends ScaleOutRun {
  notifications: number;
  streams: number;
  receiver: ReceiverReport;
}

/** What this benchmark writes. */
export interface ScaleOutResult {
  cores: number;
  createRelease: ScaleOutCreateRelease[];
  delivery: ScaleOutDelivery[];
  /** What limits the second instance, computed from the median runs: one sentence per part. */
  limits: string[];
}

const args = parseBenchArgs({
  rounds: { type: 'string', default: '1' },
  concurrency: { type: 'string', default: '32' },
  warmup: { type: 'string', default: '1' },
  duration: { type: 'string', default: '4' },
  notifications: { type: 'string', default: '8000' },
  streams: { type: 'string', default: '200' },
});
const rounds = positive('rounds', args.rounds);
const concurrency = positive('concurrency', args.concurrency);
const warmupMs = positive('warmup', args.warmup) * 1000;
const durationMs = positive('duration', args.duration) * 1000;
const notifications = positive('notifications', args.notifications);
const streams = positive('streams', args.streams);
const cores = availableParallelism();
const EXEC_ARGV = ['--conditions=@mmtel/source', '--import', import.meta.resolve('tsx')];
function print(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `CPU per cycle: server(s) 480 + 470, PostgreSQL 310, load generator 350 µs`. */
function describeCost(run: ScaleOutRun, op: string): string {
  const cost = cpuPerOp(run);
  const others = Object.entries(cost.others).map(([name, us]) => `, ${name} ${us.toFixed(0)}`);
  return `CPU per ${op}: server(s) ${cost.perServer.map((us) => us.toFixed(0)).join(' + ')}, PostgreSQL ${cost.postgres.toFixed(0)}${others.join('')} µs`;
}

/** The next message of `child` that `accept` takes, or a rejection if the child exits first. */
function nextMessage<M, T>(child: ChildProcess, accept: (message: M) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: M) => {
      const value = accept(message);
      if (value === undefined) return;
      cleanUp();
      resolve(value);
    };
    const onExit = (code: number | null) => {
      cleanUp();
      reject(new Error(`${child.spawnfile} exited with code ${code}`));
    };
    const cleanUp = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** A server instance in its own process (support/server-process.ts). */
interface ServerProcess {
  apiRoot: string;
  pid: number;
  command(command: ServerCommand): Promise<void>;
}

async function startServer(databaseUrl: string): Promise<ServerProcess> {
  const env = {
    DATABASE_URL: databaseUrl,
    // As create-release.ts runs it: production, no simulated calls; the notification targets are on loopback.
    MMTEL_PROFILE: 'production',
    MMTEL_SIM_SCENARIO: 'silent',
    MMTEL_ALLOW_PRIVATE_TARGETS: 'true',
  };
  const child = fork(fileURLToPath(new URL('./support/server-process.ts', import.meta.url)), [JSON.stringify(env)], {
    execArgv: EXEC_ARGV,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const apiRoot = await nextMessage(child, (message: ServerMessage) => (message.type === 'ready' ? message.apiRoot : undefined));
  // One command at a time per process: answers come back in order.
  let chain: Promise<void> = Promise.resolve();
  return {
    apiRoot,
    pid: child.pid!,
    command(command) {
      const answered = chain.then(async () => {
        const answer = nextMessage(child, (message: ServerMessage) => (message.type === 'ready' ? undefined : message));
        child.send(command);
        const message = await answer;
        if (message.type === 'failed') throw new Error(`server ${apiRoot}: ${command.type} failed: ${message.error}`);
      });
      chain = answered.catch(() => undefined);
      return answered;
    },
  };
}

async function startServers(count: number, databaseUrl: string): Promise<ServerProcess[]> {
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await startServer(databaseUrl));
    return servers;
  } catch (error) {
    await closeServers(servers);
    throw error;
  }
}

async function closeServers(servers: readonly ServerProcess[]): Promise<void> {
  await Promise.all(servers.map((server) => server.command({ type: 'close' }).catch(() => undefined)));
}

/** A snapshot of the CPU time of the processes of a window; `until` a later one gives the window. */
async function cpuSnapshot(servers: readonly ServerProcess[], dataDir: string, others: Record<string, number>) {
  const [serversUs, postgresUs, othersUs, machine] = await Promise.all([
    Promise.all(servers.map((server) => processCpuUs(server.pid))),
    postgresCpuUs(dataDir),
    Promise.all(Object.entries(others).map(async ([name, pid]) => [name, await processCpuUs(pid)] as const)),
    machineCpuUs(),
  ]);
  return { at: performance.now(), serversUs, postgresUs, othersUs: Object.fromEntries(othersUs), machine };
}

function windowBetween(from: Awaited<ReturnType<typeof cpuSnapshot>>, to: Awaited<ReturnType<typeof cpuSnapshot>>): CpuWindow {
  return {
    wallMs: to.at - from.at,
    serversUs: to.serversUs.map((us, i) => us - from.serversUs[i]!),
    postgresUs: to.postgresUs - from.postgresUs,
    othersUs: Object.fromEntries(Object.entries(to.othersUs).map(([name, us]) => [name, us - from.othersUs[name]!])),
    machineBusyUs: to.machine.busyUs - from.machine.busyUs,
    stealUs: to.machine.stealUs - from.machine.stealUs,
  };
}

async function runCreateRelease(instances: number, databaseUrl: string, dataDir: string): Promise<ScaleOutCreateRelease> {
  const servers = await startServers(instances, databaseUrl);
  try {
    for (const server of servers) await primeCreateRelease(server.apiRoot);
    // The load generator's threads run in this process: its CPU time is the load's (this thread idles).
    const self = { 'load generator': process.pid };
    let from: Awaited<ReturnType<typeof cpuSnapshot>> | undefined;
    let window: CpuWindow | undefined;
    const results = await runSplitLoad({
      origins: servers.map((server) => server.apiRoot),
      collectionPath: `${CALL_CONTROL_BASE_PATH}/ims-sessions`,
      body: BENCH_SESSION,
      concurrency,
      warmupMs,
      durationMs,
      onWindowStart: async () => {
        from = await cpuSnapshot(servers, dataDir, self);
      },
      onWindowEnd: async () => {
        if (from !== undefined) window = windowBetween(from, await cpuSnapshot(servers, dataDir, self));
      },
    });
    if (window === undefined) throw new Error('the load ended before its measured window');
    const cycles = results.reduce((total, result) => total + result.cycles, 0);
    const latencies = Float64Array.from(results.flatMap((result) => Array.from(result.latenciesMs))).sort();
    return {
      instances,
      loops: concurrency,
      cycles,
      durationMs,
      // Each worker counted the cycles of its own window of durationMs (they start within milliseconds of each other).
      opsPerS: (cycles / durationMs) * 1000,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      errors: results.reduce((total, result) => total + result.errors, 0),
      errorSamples: results.flatMap((result) => result.errorSamples).slice(0, 5),
      window,
    };
  } finally {
    await closeServers(servers);
  }
}

/** The receiver process (support/ordered-receiver.ts). */
async function startReceiver() {
  const child = fork(fileURLToPath(new URL('./support/ordered-receiver.ts', import.meta.url)), [], {
    execArgv: EXEC_ARGV,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await nextMessage(child, (message: ReceiverMessage) => (message.type === 'listening' ? message.port : undefined));
  return {
    url: `http://127.0.0.1:${port}/notify`,
    pid: child.pid!,
    /** Counts afresh; resolves once `count` notifications arrived. */
    expect(count: number): Promise<void> {
      const received = nextMessage(child, (message: ReceiverMessage) => (message.type === 'received' ? true : undefined));
      child.send({ type: 'expect', count } satisfies ReceiverCommand);
      return received.then(() => undefined);
    },
    report(): Promise<ReceiverReport> {
      const answer = nextMessage(child, (message: ReceiverMessage) => (message.type === 'report' ? message.report : undefined));
      child.send({ type: 'report' } satisfies ReceiverCommand);
      return answer;
    },
    stop: () => child.kill(),
  };
}

/** Enqueues `count` notifications with every engine paused, then lets them all deliver; resolves once the receiver has them all. */
async function deliver(
  servers: readonly ServerProcess[],
  receiver: Awaited<ReturnType<typeof startReceiver>>,
  count: number,
  prefix: string,
  measure?: (phase: 'start' | 'end') => Promise<void>,
): Promise<ReceiverReport> {
  await Promise.all(servers.map((server) => server.command({ type: 'pause-delivery' })));
  await servers[0]!.command({ type: 'enqueue', count, streams, target: receiver.url, prefix });
  const received = receiver.expect(count);
  await measure?.('start');
  await Promise.all(servers.map((server) => server.command({ type: 'resume-delivery' })));
  await received;
  await measure?.('end');
  // Pausing waits for the attempts in flight: a duplicate would have arrived by then.
  await Promise.all(servers.map((server) => server.command({ type: 'pause-delivery' })));
  return receiver.report();
}

async function runDelivery(
  instances: number,
  round: number,
  databaseUrl: string,
  dataDir: string,
  receiver: Awaited<ReturnType<typeof startReceiver>>,
): Promise<ScaleOutDelivery> {
  const servers = await startServers(instances, databaseUrl);
  try {
    await deliver(servers, receiver, Math.min(2_000, notifications), `warm-${instances}-${round}`);
    const others = { receiver: receiver.pid };
    let from: Awaited<ReturnType<typeof cpuSnapshot>> | undefined;
    let window: CpuWindow | undefined;
    const report = await deliver(servers, receiver, notifications, `run-${instances}-${round}`, async (phase) => {
      if (phase === 'start') from = await cpuSnapshot(servers, dataDir, others);
      else if (from !== undefined) window = windowBetween(from, await cpuSnapshot(servers, dataDir, others));
    });
    if (window === undefined) throw new Error('no measured window');
    return { instances, notifications, streams, opsPerS: (notifications / window.wallMs) * 1000, receiver: report, window };
  } finally {
    await closeServers(servers);
  }
}

const postgres = await startPostgres();
const receiver = await startReceiver();
try {
  const result: ScaleOutResult = { cores, createRelease: [], delivery: [], limits: [] };
  for (let round = 0; round < rounds; round++) {
    for (const instances of round % 2 === 0 ? [1, 2] : [2, 1]) {
      const run = await runCreateRelease(instances, postgres.url, postgres.dataDir);
      print(
        `create+release, ${instances} instance(s): ${run.opsPerS.toFixed(0)} cycles/s, p99 ${run.p99Ms.toFixed(1)} ms, ${run.errors} errors; ${describeCost(run, 'cycle')}`,
      );
      result.createRelease.push(run);
    }
    for (const instances of round % 2 === 0 ? [1, 2] : [2, 1]) {
      const run = await runDelivery(instances, round, postgres.url, postgres.dataDir, receiver);
      print(
        `delivery, ${instances} instance(s): ${run.opsPerS.toFixed(0)} notifications/s; received ${run.receiver.received}, ${run.receiver.duplicates} twice, ${run.receiver.outOfOrder} out of order; ${describeCost(run, 'notification')}`,
      );
      result.delivery.push(run);
    }
  }
  for (const [what, op, runs] of [
    ['create+release', 'cycle', result.createRelease],
    ['delivery', 'notification', result.delivery],
  ] as const) {
    const one = medianRun(runs, 1);
    const two = medianRun(runs, 2);
    if (one && two) result.limits.push(explainScaleOut(what, op, one, two, cores));
  }
  for (const sentence of result.limits) print(sentence);
  await writeResult(args.out, result);
} finally {
  receiver.stop();
  await postgres.stop();
}
