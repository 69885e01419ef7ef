/**
 * One target of the create + release benchmark, in a process of its own so that no other target
 * warms or pollutes it: starts the target in this process, drives `concurrency` loops of POST +
 * DELETE against it from a child process (packages/server/bench/support/load-worker.ts), stops it,
 * and writes cycles/s, the cycle latencies' quantiles and the target's CPU time per cycle (which,
 * unlike throughput, other work on the machine barely changes).
 *
 *   node --import tsx tools/bench/src/benchmarks/create-release.ts --target server|fastify|express \
 *     [--concurrency 32] [--warmup 1] [--duration 5] [--out FILE]
 */
import { startReferenceServer, freePort } from '@mmtel/server';
import { buildBaselineApp } from '../../../../packages/server/bench/support/baseline-app.js';
import {
  BENCH_SESSION,
  CALL_CONTROL_BASE_PATH,
  percentile,
  primeCreateRelease,
  runLoadInProcess,
} from '../../../../packages/server/bench/support/run-load.js';
import { startExpressPeer } from '../peers/express-peer.js';
import { parseBenchArgs, positive, writeResult } from '../result-file.js';

/** What this child writes. */
export interface CreateReleaseResult {
  target: string;
  concurrency: number;
  durationMs: number;
  cycles: number;
  cyclesPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** Latency of every counted cycle, ms, so that the runner can merge rounds. */
  latenciesMs: number[];
  errors: number;
  errorSamples: string[];
  /** Share of the measured window the target's event loop was busy (near 1: the target is the bottleneck). */
  eventLoopUtilization: number;
  /** The target process's CPU time (all its threads) over the measured window, per counted cycle, µs. */
  cpuUsPerCycle: number;
}

const TARGETS = {
  /** The reference server as main.ts runs it in production (response validation off), minus logs and simulated calls. */
  async server() {
    // The session's notifUri is on loopback, which the production profile refuses unless allowed.
    const server = await startReferenceServer({
      MMTEL_PROFILE: 'production',
      MMTEL_SIM_SCENARIO: 'silent',
      MMTEL_ALLOW_PRIVATE_TARGETS: 'true',
    });
    return { origin: server.apiRoot, close: server.close };
  },
  /** The same with MMTEL_SYNCHRONOUS_COMMIT=off: a 201 once committed, fsynced right after. */
  async 'server-async-commit'() {
    const server = await startReferenceServer({
      MMTEL_PROFILE: 'production',
      MMTEL_SIM_SCENARIO: 'silent',
      MMTEL_ALLOW_PRIVATE_TARGETS: 'true',
      MMTEL_SYNCHRONOUS_COMMIT: 'off',
    });
    return { origin: server.apiRoot, close: server.close };
  },
  /** Bare Fastify serving the same validated routes from the same spec, sessions in a Map. */
  async fastify() {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const app = await buildBaselineApp(origin);
    await app.listen({ host: '127.0.0.1', port });
    return { origin, close: () => app.close() };
  },
  /** Express 5 + express-openapi-validator, sessions in a Map. */
  express: startExpressPeer,
} satisfies Record<string, () => Promise<{ origin: string; close(): Promise<void> }>>;

const args = parseBenchArgs({
  target: { type: 'string' },
  concurrency: { type: 'string', default: '32' },
  warmup: { type: 'string', default: '1' },
  duration: { type: 'string', default: '5' },
});
const name = args.target;
if (name === undefined || !(name in TARGETS)) throw new Error(`--target: expected one of ${Object.keys(TARGETS).join(', ')}`);
const concurrency = positive('concurrency', args.concurrency);
const durationMs = positive('duration', args.duration) * 1000;

const target = await TARGETS[name as keyof typeof TARGETS]();
try {
  await primeCreateRelease(target.origin);
  const load = await runLoadInProcess({
    origin: target.origin,
    collectionPath: `${CALL_CONTROL_BASE_PATH}/ims-sessions`,
    body: BENCH_SESSION,
    concurrency,
    warmupMs: positive('warmup', args.warmup) * 1000,
    durationMs,
  });
  const sorted = load.latenciesMs.sort();
  await writeResult(args.out, {
    target: name,
    concurrency,
    durationMs,
    cycles: load.cycles,
    cyclesPerS: (load.cycles / durationMs) * 1000,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    latenciesMs: Array.from(sorted, (ms) => Math.round(ms * 1000) / 1000),
    errors: load.errors,
    errorSamples: load.errorSamples,
    eventLoopUtilization: load.eventLoopUtilization,
    cpuUsPerCycle: load.cpuUs / load.cycles,
  } satisfies CreateReleaseResult);
} finally {
  await target.close();
}
