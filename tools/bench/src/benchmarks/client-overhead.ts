// Per-call overhead of the typed client against raw fetch: the same create / update / release
// cycle (POST, PUT, DELETE), one call at a time, against the same loopback server, in-process.
// Two servers: a trivial node:http server answering canned bodies (the client's own cost shows
// most) and the reference server (simulator silent, embedded store, production profile).
//
// The estimator is paired and finely interleaved, because on a shared 2-core machine the noise
// (other processes, garbage collection, the compiler) is larger than the difference measured:
// - warm-up until every variant's time per call is steady (two blocks of 20 cycles in a row within
//   5%), so that none is measured while still being compiled;
// - within a round the variants take turns cycle by cycle, in an order drawn for each turn, so
//   that a stall of the machine, and the garbage or timers one variant leaves to the next, fall
//   on any of them alike;
// - a turn in which some cycle took over twice its variant's median was stalled by something
//   else and is left out for every variant; a round's figure per variant is its mean per call
//   over the other turns (a rare slow step of its own counts), the collections' pauses taken out
//   of the cycles they fell in and the pauses of the whole run shared out by allocation (a
//   variant pays in proportion to the bytes its cycles allocate: a round sees only a few pauses,
//   and which cycle happens to start one says little);
// - the figure compared is each round's ratio to raw fetch of the same round, and the median of
//   those ratios is reported with their min and max;
// - a second copy of raw fetch runs as an A/A control: its ratio (1 in theory) shows how far
//   identical code disagrees in the same run (the compiler's luck, the machine's load).
// CPU time is printed too: the median cycle of each round (collections out and added back as
// above), every thread of the process, client and server. It does not count waiting for a core,
// so under load it is the steadier figure (A/A within 2% at load 6, where wall-clock was 17% off).
//
//   pnpm bench --only client   (or: node --conditions=@mmtel/source --import tsx tools/bench/src/benchmarks/client-overhead.ts [--cycles 30] [--rounds 12] [--warmup 50] [--servers trivial,reference] [--out FILE])
//
// With --out, the figures are also written there as JSON (pnpm bench reads them): per server and
// variant, `wallUs` is raw fetch's median per call times the variant's median paired ratio (so
// that value / baseline is that ratio), `wallMedianUs` the variant's own median, `wallRoundsUs`
// its figure in each round (round i of every variant interleaved), `wallRatio` and `cpuRatio`
// the paired ratios' min / median / max, `turnsKept` the share of turns not left out,
// `allocatedBytesPerCall` the heap allocated per call.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { buildApp, loadConfig } from '@mmtel/server';
import { createCallControlClient, type ImsSession } from '@mmtel/client';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    cycles: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string', default: '50' },
    servers: { type: 'string', default: 'trivial,reference' },
    out: { type: 'string' },
  },
});
// The positional form ([cycles-per-round] [rounds]) is kept for old command lines. A round is
// `cycles` turns of every variant; the defaults are pnpm bench's.
const CYCLES = Number(values.cycles ?? positionals[0] ?? 30);
const ROUNDS = Number(values.rounds ?? positionals[1] ?? 12);
const WARMUP = Number(values.warmup);
const BASE = '/mmtel-callcontrol/v1/ims-sessions';
const body: ImsSession = {
  afId: 'default',
  imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
  notifUri: 'http://127.0.0.1:9/notify',
};
const updated: ImsSession = { ...body, notifCorreId: 'bench' };

type Cycle = () => Promise<void>;

/** The cycle with raw fetch: what a careful hand-written client would send and read. */
function rawCycle(apiRoot: string): Cycle {
  const json = { 'content-type': 'application/json' };
  return async () => {
    const created = await fetch(apiRoot + BASE, { method: 'POST', headers: json, body: JSON.stringify(body) });
    const { sessionId } = ((await created.json()) as { imsSessionInfo: { sessionId: string } }).imsSessionInfo;
    const put = await fetch(`${apiRoot}${BASE}/${sessionId}`, { method: 'PUT', headers: json, body: JSON.stringify(updated) });
    await put.json();
    const released = await fetch(`${apiRoot}${BASE}/${sessionId}`, { method: 'DELETE' });
    await released.arrayBuffer();
    if (!created.ok || !put.ok || !released.ok)
      throw new Error(`raw cycle failed: POST ${created.status}, PUT ${put.status}, DELETE ${released.status}`);
  };
}

/** The same cycle with the typed client. */
function clientCycle(apiRoot: string, options: { retry?: false; timeoutMs?: false } = {}): Cycle {
  const client = createCallControlClient({ baseUrl: apiRoot, throwOnError: true, ...options });
  return async () => {
    const { data } = await client.createImsSession(body);
    await client.updateImsSession(data.sessionId, updated);
    await client.releaseImsSession(data.sessionId);
  };
}

/** One timed cycle: when it started (performance.now, ms) and its wall-clock and CPU time, µs. */
interface CycleTime {
  variant: number;
  startMs: number;
  wall: number;
  cpu: number;
  /** Bytes the heap grew by during the cycle; NaN when a collection shrank it meanwhile. */
  allocated: number;
}

/** Times one cycle: wall clock, CPU (user + system, this process, all threads) and allocation. */
async function timeCycle(variant: number, cycle: Cycle): Promise<CycleTime> {
  const heap = getHeapStatistics().used_heap_size;
  const cpu = process.cpuUsage();
  const startMs = performance.now();
  await cycle();
  const wall = performance.now() - startMs;
  const used = process.cpuUsage(cpu);
  const grown = getHeapStatistics().used_heap_size - heap;
  return { variant, startMs, wall: wall * 1000, cpu: used.user + used.system, allocated: grown >= 0 ? grown : NaN };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const spread = (values: readonly number[]) => ({ min: Math.min(...values), median: median(values), max: Math.max(...values) });

// Garbage-collection pauses as they happen (entries arrive a little later, see round()).
const gcPauses: { startMs: number; durationMs: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ startMs: entry.startTime, durationMs: entry.duration });
}).observe({ entryTypes: ['gc'] });

/**
 * The variants 0 … n-1 in an order drawn from `seed`: each turn draws its own, so that no variant
 * always follows the same other one (the work one leaves behind, such as garbage, timers and
 * finalizers, falls on whichever runs next), and a run can be repeated.
 */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let state = (seed * 2654435761 + 1) >>> 0;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * One round: `turns` turns in which every variant runs one cycle, in an order drawn for each turn;
 * each cycle's times, with the garbage-collection pauses that began during it (µs).
 */
async function round(cycles: Cycle[], turns: number, offset: number): Promise<(CycleTime & { gc: number })[][]> {
  gcPauses.length = 0;
  const times: CycleTime[] = [];
  for (let turn = 0; turn < turns; turn++)
    for (const i of shuffled(cycles.length, offset * turns + turn)) times.push(await timeCycle(i, cycles[i]!));
  // The gc entries of the last cycles are delivered after a turn of the event loop or two.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const gc = times.map(() => 0);
  for (const pause of gcPauses) {
    // The cycle during which the pause began: the last one that started before it.
    const i = times.findLastIndex((time) => time.startMs <= pause.startMs);
    if (i >= 0) gc[i]! += pause.durationMs * 1000;
  }
  const byTurn: (CycleTime & { gc: number })[][] = [];
  for (let turn = 0; turn < turns; turn++) {
    const inTurn = times
      .slice(turn * cycles.length, (turn + 1) * cycles.length)
      .map((time, k) => ({ ...time, gc: gc[turn * cycles.length + k]! }));
    byTurn.push(inTurn.sort((a, b) => a.variant - b.variant));
  }
  return byTurn;
}

/**
 * The figures of the rounds, µs per call of each variant in each round. A turn in which any
 * cycle (its collections taken out) took more than twice its variant's median of the round was
 * stalled by something else on the machine and is left out for every variant, so the rest stay
 * paired; the others' mean counts every cycle, a rare slow step of one variant included. The
 * collections' pauses are taken out of the cycles they fell in and shared out by allocation.
 */
function roundFigures(rounds: (CycleTime & { gc: number })[][][], variants: number): { wall: number; cpu: number; kept: number }[][] {
  // A collection's cost is shared out by allocation: all the pauses of all rounds, each variant
  // charged in proportion to the bytes its cycles allocate (measured between collections).
  const all = rounds.flat(2);
  const allocatedPerCycle = Array.from({ length: variants }, (_, variant) => {
    const known = all.filter((time) => time.variant === variant && !Number.isNaN(time.allocated));
    return known.reduce((sum, time) => sum + time.allocated, 0) / known.length;
  });
  const pausesUs = all.reduce((sum, time) => sum + time.gc, 0);
  const bytes = allocatedPerCycle.reduce((sum, perCycle) => sum + perCycle, 0) * (all.length / variants);
  const gcPerCycle = allocatedPerCycle.map((perCycle) => (bytes > 0 ? (pausesUs * perCycle) / bytes : 0));
  return rounds.map((turns) => {
    const medians = Array.from({ length: variants }, (_, variant) => median(turns.map((turn) => turn[variant]!.wall - turn[variant]!.gc)));
    const kept = turns.filter((turn) => turn.every((time) => time.wall - time.gc <= 2 * medians[time.variant]!));
    return Array.from({ length: variants }, (_, variant) => {
      const mine = kept.map((turn) => turn[variant]!);
      const mean = (pick: (time: CycleTime & { gc: number }) => number) => mine.reduce((sum, time) => sum + pick(time), 0) / mine.length;
      return {
        wall: (mean((time) => time.wall - time.gc) + gcPerCycle[variant]!) / 3,
        // CPU time does not count waiting for a core, so a stall is not in it: the median cycle of
        // the round (collections out, and added back as for wall-clock time); it counts every
        // thread of the process (the compiler's, a collection's helpers).
        cpu: (median(turns.map((turn) => turn[variant]!.cpu - turn[variant]!.gc)) + gcPerCycle[variant]!) / 3,
        kept: kept.length,
      };
    });
  });
}

/**
 * Warms every variant up until its time per call is steady: at least `minCycles` cycles each,
 * then blocks of 20 until two blocks in a row agree within 5% for every variant (at most 20).
 */
async function warmUp(cycles: Cycle[], minCycles: number): Promise<number> {
  const block = async (turns: number, offset: number) => roundFigures([await round(cycles, turns, offset)], cycles.length)[0]!;
  await block(minCycles, 0);
  let previous = await block(20, 0);
  for (let n = 1; n < 20; n++) {
    const current = await block(20, n);
    if (current.every(({ wall }, i) => Math.abs(wall / previous[i]!.wall - 1) < 0.05)) return minCycles + 20 * (n + 1);
    previous = current;
  }
  return minCycles + 20 * 20;
}

/** The figures of one variant on one server, µs per call. */
interface VariantFigures {
  variant: string;
  /** Raw fetch's median per call times this variant's median paired ratio (value / baseline = that ratio). */
  wallUs: number;
  /** This variant's own median per call over the rounds. */
  wallMedianUs: number;
  /** Median over the rounds of the CPU time per call (the median cycle; client and server, one process). */
  cpuUs: number;
  /** Mean µs per call of each round, in round order (round i of every variant interleaved). */
  wallRoundsUs: number[];
  /** Per-round wall-clock ratios to raw fetch of the same round. */
  wallRatio: { min: number; median: number; max: number };
  /** Per-round CPU-time ratios to raw fetch of the same round. */
  cpuRatio: { min: number; median: number; max: number };
  /** The share of turns not left out as stalled (the same for every variant). */
  turnsKept: number;
  /** Heap bytes allocated per call (cycles without a collection). */
  allocatedBytesPerCall: number;
}

async function compare(name: string, apiRoot: string): Promise<VariantFigures[]> {
  const variants: [string, Cycle][] = [
    ['raw fetch', rawCycle(apiRoot)],
    ['typed client (defaults)', clientCycle(apiRoot)],
    ['typed client (no retry, no timeout)', clientCycle(apiRoot, { retry: false, timeoutMs: false })],
    // The same code as raw fetch: how far two identical variants disagree in this run.
    ['raw fetch again (A/A control)', rawCycle(apiRoot)],
  ];
  const cycles = variants.map(([, cycle]) => cycle);
  const warmed = await warmUp(cycles, WARMUP);
  const measured: (CycleTime & { gc: number })[][][] = [];
  for (let r = 0; r < ROUNDS; r++) measured.push(await round(cycles, CYCLES, r));
  const rounds = roundFigures(measured, cycles.length);
  const raw = rounds.map((figures) => figures[0]!);
  const kept = rounds.reduce((sum, figures) => sum + figures[0]!.kept, 0) / (ROUNDS * CYCLES);
  const figures = variants.map(([variant], i): VariantFigures => {
    const mine = rounds.map((figures) => figures[i]!);
    const allocated = measured.flat(2).filter((time) => time.variant === i && !Number.isNaN(time.allocated));
    const wallRatio = spread(mine.map(({ wall }, r) => wall / raw[r]!.wall));
    return {
      variant,
      wallUs: median(raw.map(({ wall }) => wall)) * wallRatio.median,
      wallMedianUs: median(mine.map(({ wall }) => wall)),
      cpuUs: median(mine.map(({ cpu }) => cpu)),
      wallRoundsUs: mine.map(({ wall }) => wall),
      wallRatio,
      cpuRatio: spread(mine.map(({ cpu }, r) => cpu / raw[r]!.cpu)),
      turnsKept: kept,
      allocatedBytesPerCall: allocated.reduce((sum, time) => sum + time.allocated, 0) / allocated.length / 3,
    };
  });
  console.log(`\n${name} (warm-up: ${warmed} cycles per variant; turns kept: ${(kept * 100).toFixed(0)}%)`);
  const ratio = ({ min, median, max }: VariantFigures['wallRatio']) => `${median.toFixed(3)} (${min.toFixed(2)}-${max.toFixed(2)})`;
  for (const f of figures)
    console.log(
      `  ${f.variant.padEnd(36)} wall ${f.wallMedianUs.toFixed(1).padStart(7)} µs/call  ratio ${ratio(f.wallRatio)}   cpu ${f.cpuUs.toFixed(1).padStart(7)} µs/call  ratio ${ratio(f.cpuRatio)}   ${(f.allocatedBytesPerCall / 1024).toFixed(1).padStart(5)} kB/call`,
    );
  return figures;
}

async function trivialServer(): Promise<{ apiRoot: string; close: () => Promise<void> }> {
  let next = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      const sessionId = req.method === 'POST' ? `s-${++next}` : (req.url ?? '').slice(BASE.length + 1);
      const payload = JSON.stringify({
        ...body,
        imsSessionInfo: { ...body.imsSessionInfo, sessionId, sessionState: 'INITIATING' },
        self: `http://${req.headers.host}${BASE}/${sessionId}`,
      });
      const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) };
      if (req.method === 'POST') headers.location = `http://${req.headers.host}${BASE}/${sessionId}`;
      res.writeHead(req.method === 'POST' ? 201 : 200, headers).end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { apiRoot: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function referenceServer(): Promise<{ apiRoot: string; close: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-bench-'));
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  // The sessions' notifUri is on loopback, which the production profile refuses unless allowed.
  const config = loadConfig({
    PORT: String(port),
    MMTEL_DATA_DIR: dataDir,
    MMTEL_SIM_SCENARIO: 'silent',
    MMTEL_PROFILE: 'production',
    MMTEL_ALLOW_PRIVATE_TARGETS: 'true',
    // One process runs client and server: a stall of the machine would read as overload of the
    // server and shed calls (503), which this benchmark of the client does not measure.
    MMTEL_OVERLOAD_PROTECTION: 'false',
    LOG_LEVEL: 'silent',
  });
  const app = await buildApp({ config, logger: false });
  await app.listen({ host: '127.0.0.1', port });
  return { apiRoot: config.apiRoot, close: async () => (await app.close(), await rm(dataDir, { recursive: true, force: true })) };
}

console.log(
  `Node ${process.version}: ${ROUNDS} rounds of ${CYCLES} cycles (POST, PUT, DELETE) per variant, the variants taking turns cycle by cycle, one call at a time; per-round ratios to raw fetch: median (min-max)`,
);
const report: Record<string, VariantFigures[]> = {};
for (const [key, name, start] of [
  ['trivial', 'trivial node:http server', trivialServer],
  ['reference', 'reference server (in-process)', referenceServer],
] as const) {
  if (!values.servers.split(',').includes(key)) continue;
  const server = await start();
  try {
    report[key] = await compare(name, server.apiRoot);
  } finally {
    await server.close();
  }
}
if (values.out !== undefined)
  await writeFile(values.out, `${JSON.stringify({ cycles: CYCLES, rounds: ROUNDS, servers: report }, null, 2)}\n`);
