/**
 * `pnpm bench`: every benchmark in one run, each in a child process of its own (so that none
 * warms or pollutes another), then one table (figure | value | baseline | ratio | target | met?)
 * with each figure beside its baseline measured in the same run, and the same as JSON in
 * tools/bench/results/latest.json with the machine's facts.
 *
 *   pnpm bench [--quick] [--only create-release,notifications,client,generate,startup,memory,scale-out] [--verbose]
 *
 * --quick: short durations, for a smoke run (figures are rough). scale-out (one and two server
 * processes on one PostgreSQL) runs only when --only names it: it takes about a minute on a quiet
 * machine (two on a busy one) and needs PostgreSQL's server binaries, which nothing else here does.
 * Exit code 1 when a benchmark failed to run; a missed target is reported, not an error (figures
 * on a shared machine are noisy).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CreateReleaseResult } from './benchmarks/create-release.js';
import type { ScaleOutResult } from './benchmarks/scale-out.js';
import { buildFigures, type Outcome, type RunResults } from './figures.js';
import { formatTable, summarize, toRows } from './report.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RESULTS = fileURLToPath(new URL('../results/latest.json', import.meta.url));
const TSX = import.meta.resolve('tsx');
const BENCHMARKS = ['create-release', 'notifications', 'client', 'generate', 'startup', 'memory', 'scale-out'] as const;
type Benchmark = (typeof BENCHMARKS)[number];
/** What runs without --only: every benchmark but scale-out (about 60 s more, and PostgreSQL's server binaries). */
const DEFAULT_SET: readonly Benchmark[] = BENCHMARKS.filter((name) => name !== 'scale-out');

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, verbose: { type: 'boolean', default: false } },
});
const only = values.only === undefined ? new Set<string>(DEFAULT_SET) : new Set(values.only.split(',').map((s) => s.trim()));
for (const name of only)
  if (!(BENCHMARKS as readonly string[]).includes(name)) throw new Error(`--only ${name}: expected some of ${BENCHMARKS.join(', ')}`);

/** Durations and sizes: the full run fits in about two to three minutes on a quiet 2-core machine. */
const SIZES = values.quick
  ? {
      rounds: 1,
      warmupS: 0.5,
      durationS: 1,
      notifications: 3_000,
      notificationRounds: 1,
      overhead: ['--cycles', '20', '--rounds', '3', '--warmup', '20'],
      startupRuns: 1,
      sessions: 2_000,
      scaleOut: ['--rounds', '1', '--warmup', '0.5', '--duration', '1', '--notifications', '2000'],
    }
  : {
      rounds: 2,
      // A target's hot functions are optimized after a number of cycles, not of seconds: the
      // server, doing fewer cycles a second, was still compiling 3 s in (V8's compiler threads
      // 18-40 µs a cycle against bare Fastify's 5.5-5.8); 8 s in, 4.5-5.2. 1 s in: ~36 vs 2.5.
      warmupS: 8,
      durationS: 4,
      notifications: 8_000,
      notificationRounds: 3,
      overhead: ['--cycles', '30', '--rounds', '12', '--warmup', '50'],
      // One start takes ~0.5 s and two in a row differ by up to 0.15 s: 7 give a steadier median.
      startupRuns: 7,
      sessions: 10_000,
      scaleOut: ['--rounds', '2', '--warmup', '1', '--duration', '4', '--notifications', '8000'],
    };
/** A child that takes longer than this is killed and reported as failed. */
const CHILD_TIMEOUT_MS = values.quick ? 120_000 : 300_000;

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** The machine the figures belong to: they mean little without it. */
function machineFacts() {
  const [model] = cpus().map((cpu) => cpu.model);
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cores: availableParallelism(),
    cpuModel: model ?? 'unknown',
    totalMemMB: Math.round(totalmem() / 2 ** 20),
    freeMemMB: Math.round(freemem() / 2 ** 20),
    loadavg: loadavg().map((n) => Number(n.toFixed(2))),
  };
}

/**
 * Runs one benchmark script as `node --conditions=@mmtel/source --import tsx SCRIPT ARGS --out FILE` from the repository
 * root, and parses what it wrote. Its output is shown when it fails (or with --verbose).
 */
async function runChild<T>(label: string, script: string, args: string[]): Promise<Outcome<T>> {
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-bench-run-'));
  const out = join(dir, 'result.json');
  const started = performance.now();
  process.stdout.write(`  ${label} … `);
  try {
    // @mmtel/source: the workspace packages' TypeScript sources, as inside the workspace everywhere (the client has no build here).
    const child = spawn(process.execPath, ['--conditions=@mmtel/source', '--import', TSX, join(REPO_ROOT, script), ...args, '--out', out], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    }).finally(() => clearTimeout(timer));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (code !== 0) {
      const why = signal === 'SIGKILL' ? `killed after ${CHILD_TIMEOUT_MS / 1000} s` : `exit ${code ?? signal}`;
      print(`FAILED (${why}, ${seconds} s)`);
      print(indent(output.trim().split('\n').slice(-20).join('\n')));
      return { ok: false, error: `${label}: ${why}: ${lastLine(output)}` };
    }
    print(`${seconds} s`);
    if (values.verbose) print(indent(output.trim()));
    return { ok: true, value: JSON.parse(await readFile(out, 'utf8')) as T };
  } catch (error) {
    print('FAILED');
    return { ok: false, error: `${label}: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    | ${line}`)
    .join('\n');
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .at(-1) ?? ''
  ).slice(0, 300);
}

const skipped = <T>(name: Benchmark): Outcome<T> => ({ ok: false, error: `${name} not run (--only)` });

const startedAt = new Date();
const before = machineFacts();
print(
  `pnpm bench${values.quick ? ' --quick' : ''}: node ${before.node}, ${before.cores} cores (${before.cpuModel}), load average ${before.loadavg.join(' ')}, ${startedAt.toISOString()}`,
);
const runStarted = performance.now();

const results: RunResults = {
  createRelease: { server: [], 'server-async-commit': [], fastify: [], express: [] },
  notifications: skipped('notifications'),
  overhead: skipped('client'),
  generate: skipped('generate'),
  startup: skipped('startup'),
  memory: skipped('memory'),
  scaleOut: skipped('scale-out'),
};

if (only.has('create-release')) {
  print(
    `create+release: ${SIZES.rounds} round(s) per target, 32 loops, ${SIZES.warmupS} s warm-up + ${SIZES.durationS} s each, targets alternating`,
  );
  for (let round = 1; round <= SIZES.rounds; round++) {
    for (const target of ['server', 'server-async-commit', 'fastify', 'express'] as const) {
      results.createRelease[target].push(
        await runChild<CreateReleaseResult>(`${target} (round ${round})`, 'tools/bench/src/benchmarks/create-release.ts', [
          '--target',
          target,
          '--concurrency',
          '32',
          '--warmup',
          String(SIZES.warmupS),
          '--duration',
          String(SIZES.durationS),
        ]),
      );
    }
  }
}
if (only.has('notifications')) {
  print('notification delivery:');
  results.notifications = await runChild(
    `engine and raw undici, ${SIZES.notificationRounds} round(s)`,
    'packages/server/bench/notification-throughput.ts',
    ['--notifications', String(SIZES.notifications), '--rounds', String(SIZES.notificationRounds)],
  );
}
if (only.has('client')) {
  print('client overhead:');
  results.overhead = await runChild('typed client and raw fetch', 'tools/bench/src/benchmarks/client-overhead.ts', SIZES.overhead);
}
if (only.has('generate')) {
  print('pnpm generate:');
  results.generate = await runChild('generate --check', 'tools/bench/src/benchmarks/generate-time.ts', ['--runs', '1']);
}
if (only.has('startup')) {
  print('start-up:');
  results.startup = await runChild(`server and floor, ${SIZES.startupRuns} run(s) each`, 'tools/bench/src/benchmarks/startup.ts', [
    '--runs',
    String(SIZES.startupRuns),
  ]);
}
if (only.has('memory')) {
  print('memory:');
  results.memory = await runChild(`${SIZES.sessions} live sessions`, 'tools/bench/src/benchmarks/session-memory.ts', [
    '--sessions',
    String(SIZES.sessions),
  ]);
}

if (only.has('scale-out')) {
  print('scale out on PostgreSQL:');
  results.scaleOut = await runChild<ScaleOutResult>(
    `1 and 2 server processes, ${SIZES.scaleOut[1]} round(s)`,
    'tools/bench/src/benchmarks/scale-out.ts',
    SIZES.scaleOut,
  );
}

const rows = toRows(buildFigures(results).filter((figure) => figure.source === undefined || only.has(figure.source)));
const after = machineFacts();
print();
for (const line of formatTable(rows)) print(line);
print();
for (const row of rows) if (row.note !== undefined) print(`note: ${row.name}: ${row.note}`);
// What limits the second instance, said from the figures by the benchmark itself.
if (results.scaleOut.ok) for (const sentence of results.scaleOut.value.limits) print(`scale-out: ${sentence}`);
print(summarize(rows));
print(
  `load average ${before.loadavg.join(' ')} before, ${after.loadavg.join(' ')} after; ${((performance.now() - runStarted) / 1000).toFixed(0)} s in all`,
);

// The per-cycle latencies are only needed to merge rounds: the saved results keep the rest.
const { createRelease, ...others } = results;
const saved = {
  date: startedAt.toISOString(),
  mode: values.quick ? 'quick' : 'full',
  only: [...only],
  durationS: Math.round((performance.now() - runStarted) / 1000),
  machine: { ...before, loadavgAfter: after.loadavg },
  rows,
  results: {
    createRelease: Object.fromEntries(
      Object.entries(createRelease).map(([target, rounds]) => [
        target,
        rounds.map((round) => (round.ok ? { ok: true, value: { ...round.value, latenciesMs: undefined } } : round)),
      ]),
    ),
    ...others,
  },
};
await mkdir(join(RESULTS, '..'), { recursive: true });
await writeFile(RESULTS, `${JSON.stringify(saved, null, 2)}\n`);
print(`wrote ${RESULTS.slice(REPO_ROOT.length)}`);

const failures = [
  ...Object.values(results.createRelease).flat(),
  results.notifications,
  results.overhead,
  results.generate,
  results.startup,
  results.memory,
  results.scaleOut,
].filter((outcome) => !outcome.ok && !outcome.error.endsWith('not run (--only)'));
process.exit(failures.length > 0 ? 1 : 0);
