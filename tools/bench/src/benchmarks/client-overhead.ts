// Per-call overhead of the typed client against raw fetch: the same create / update / release
// cycle (POST, PUT, DELETE), one call at a time, against the same loopback server, in-process.
// Two servers: a trivial node:http server answering canned bodies (the client's own cost shows
// most) and the reference server (simulator silent, embedded store, production profile).
// Short rounds of each variant alternate (each round starting with another variant) and the
// medians are compared, so that drift, garbage collection and other load on the machine hit every
// variant alike; wall-clock and CPU time (client and server, one
// process) are both printed.
//
//   pnpm bench --only client   (or: node --conditions=@mmtel/source --import tsx tools/bench/src/benchmarks/client-overhead.ts [--cycles 200] [--rounds 15] [--warmup 200] [--out FILE])
//
// With --out, the medians are also written there as JSON (pnpm bench reads them).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp, loadConfig } from '@mmtel/server';
import { createCallControlClient, type ImsSession } from '@mmtel/client';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { cycles: { type: 'string' }, rounds: { type: 'string' }, warmup: { type: 'string', default: '200' }, out: { type: 'string' } },
});
// The positional form ([cycles-per-round] [rounds]) is kept for old command lines.
const CYCLES = Number(values.cycles ?? positionals[0] ?? 200);
const ROUNDS = Number(values.rounds ?? positionals[1] ?? 15);
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

/** µs per call of one round: wall clock and CPU (user + system, this process). */
async function round(cycle: Cycle): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < CYCLES; i++) await cycle();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall: (wall * 1000) / (CYCLES * 3), cpu: (used.user + used.system) / (CYCLES * 3) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Medians of one variant on one server, µs per call. */
interface VariantFigures {
  variant: string;
  wallUs: number;
  cpuUs: number;
  /** µs per call of each round, in round order. */
  wallRoundsUs: number[];
}

async function compare(name: string, apiRoot: string): Promise<VariantFigures[]> {
  const variants: [string, Cycle][] = [
    ['raw fetch', rawCycle(apiRoot)],
    ['typed client (defaults)', clientCycle(apiRoot)],
    ['typed client (no retry, no timeout)', clientCycle(apiRoot, { retry: false, timeoutMs: false })],
  ];
  for (let i = 0; i < WARMUP; i++) for (const [, cycle] of variants) await cycle();
  const results = variants.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
  for (let r = 0; r < ROUNDS; r++) {
    // Each round starts with another variant: the garbage one variant leaves is collected during
    // the next, so a fixed order would charge the client's garbage to raw fetch.
    for (let k = 0; k < variants.length; k++) {
      const i = (r + k) % variants.length;
      const { wall, cpu } = await round(variants[i]![1]);
      results[i]!.wall.push(wall);
      results[i]!.cpu.push(cpu);
    }
  }
  const base = { wall: median(results[0]!.wall), cpu: median(results[0]!.cpu) };
  console.log(`\n${name}`);
  for (const [i, [label]] of variants.entries()) {
    const wall = median(results[i]!.wall);
    const cpu = median(results[i]!.cpu);
    console.log(
      `  ${label.padEnd(36)} wall ${wall.toFixed(1).padStart(7)} µs/call  ratio ${(wall / base.wall).toFixed(3)}   cpu ${cpu.toFixed(1).padStart(7)} µs/call  ratio ${(cpu / base.cpu).toFixed(3)}`,
    );
  }
  return variants.map(([variant], i) => ({
    variant,
    wallUs: median(results[i]!.wall),
    cpuUs: median(results[i]!.cpu),
    wallRoundsUs: results[i]!.wall,
  }));
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
  `Node ${process.version}: ${ROUNDS} alternating rounds of ${CYCLES} cycles (POST, PUT, DELETE) per variant, one call at a time; medians`,
);
const report: Record<string, VariantFigures[]> = {};
for (const [key, name, start] of [
  ['trivial', 'trivial node:http server', trivialServer],
  ['reference', 'reference server (in-process)', referenceServer],
] as const) {
  const server = await start();
  try {
    report[key] = await compare(name, server.apiRoot);
  } finally {
    await server.close();
  }
}
if (values.out !== undefined)
  await writeFile(values.out, `${JSON.stringify({ cycles: CYCLES, rounds: ROUNDS, servers: report }, null, 2)}\n`);
