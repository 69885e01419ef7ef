/**
 * Create + release throughput of the reference server against a bare Fastify baseline serving the
 * same validated routes from the same spec, measured one after the other in the same run, with
 * the same load: `concurrency` loops each POSTing an ImsSession and DELETEing it via Location.
 * Prints cycles/s, p50/p99 cycle latency and the server/baseline ratio (target >= 0.6), and
 * writes them to bench/results/create-release.json.
 *
 *   tsx bench/create-release.ts [--concurrency 32] [--duration 5]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { freePort, startReferenceServer } from '../src/reference-server.js';
import { buildBaselineApp } from './support/baseline-app.js';
import { BENCH_SESSION, CALL_CONTROL_BASE_PATH, percentile, runLoad } from './support/run-load.js';

const TARGET_RATIO = 0.6;
const WARMUP_MS = 1_000;

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', short: 'c', default: '32' },
    duration: { type: 'string', short: 'd', default: '5' },
  },
});
const concurrency = positiveNumber('--concurrency', values.concurrency);
const durationMs = positiveNumber('--duration', values.duration) * 1000;

/** A target under load: where it listens and how to stop it. */
interface Target {
  name: string;
  origin: string;
  close(): Promise<void>;
}

/** The figures printed and saved for one target. */
interface TargetFigures {
  cyclesPerS: number;
  p50Ms: number;
  p99Ms: number;
  cycles: number;
  errors: number;
  /** Share of the measured window the target's event loop was busy (near 1: the target is the bottleneck). */
  eventLoopUtilization: number;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} ${value}: expected a positive number`);
  return n;
}

/** The reference server as main.ts would run it in production, minus logs and simulated calls. */
async function startServer(): Promise<Target> {
  // The session's notifUri is on loopback, which the production profile refuses unless allowed.
  const server = await startReferenceServer({
    MMTEL_PROFILE: 'production',
    MMTEL_SIM_SCENARIO: 'silent',
    MMTEL_ALLOW_PRIVATE_TARGETS: 'true',
  });
  return { name: 'server', origin: server.apiRoot, close: server.close };
}

async function startBaseline(): Promise<Target> {
  const port = await freePort();
  const app = await buildBaselineApp(`http://127.0.0.1:${port}`);
  await app.listen({ host: '127.0.0.1', port });
  return { name: 'baseline', origin: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** Starts a target, loads it, stops it. */
async function measure(start: () => Promise<Target>): Promise<{ name: string; figures: TargetFigures; errorSamples: string[] }> {
  const target = await start();
  try {
    const result = await runLoad({
      origin: target.origin,
      collectionPath: `${CALL_CONTROL_BASE_PATH}/ims-sessions`,
      body: BENCH_SESSION,
      concurrency,
      warmupMs: WARMUP_MS,
      durationMs,
    });
    const sorted = result.latenciesMs.sort();
    return {
      name: target.name,
      figures: {
        cyclesPerS: round((result.cycles / durationMs) * 1000),
        p50Ms: round(percentile(sorted, 0.5)),
        p99Ms: round(percentile(sorted, 0.99)),
        cycles: result.cycles,
        errors: result.errors,
        eventLoopUtilization: round(result.eventLoopUtilization),
      },
      errorSamples: result.errorSamples,
    };
  } finally {
    await target.close();
  }
}

/** Two decimals are all a noisy benchmark can vouch for. */
function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function printTable(rows: Array<{ name: string; figures: TargetFigures }>): void {
  const header = ['target', 'cycles/s', 'p50 ms', 'p99 ms', 'errors', 'target loop busy'];
  const cells = rows.map(({ name, figures: f }) => [
    name,
    f.cyclesPerS.toFixed(0),
    f.p50Ms.toFixed(2),
    f.p99Ms.toFixed(2),
    String(f.errors),
    f.eventLoopUtilization.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  for (const row of [header, ...cells])
    print(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
}

// Results depend on the machine and on what else runs on it: say so first.
const environment = { node: process.version, cpus: availableParallelism(), loadavg: loadavg().map((n) => Number(n.toFixed(2))) };
print(`node ${environment.node}, ${environment.cpus} CPUs, load average ${environment.loadavg.join(' ')}`);
print(`${concurrency} loops of POST + DELETE, ${WARMUP_MS / 1000} s warm-up, ${durationMs / 1000} s measured, one target at a time`);

// One after the other: on two cores, two targets at once would measure each other.
const server = await measure(startServer);
const baseline = await measure(startBaseline);
printTable([server, baseline]);
for (const { name, errorSamples } of [server, baseline]) for (const sample of errorSamples) print(`${name} error: ${sample}`);
const ratio = server.figures.cyclesPerS / baseline.figures.cyclesPerS;
print(`server / baseline: ${ratio.toFixed(2)} (target >= ${TARGET_RATIO}${ratio >= TARGET_RATIO ? ', met' : ', NOT met'})`);

const resultsDir = new URL('./results/', import.meta.url);
await mkdir(resultsDir, { recursive: true });
const report = {
  date: new Date().toISOString(),
  ...environment,
  concurrency,
  warmupMs: WARMUP_MS,
  durationMs,
  server: server.figures,
  baseline: baseline.figures,
  ratio: round(ratio),
  targetRatio: TARGET_RATIO,
};
await writeFile(new URL('create-release.json', resultsDir), `${JSON.stringify(report, null, 2)}\n`);
