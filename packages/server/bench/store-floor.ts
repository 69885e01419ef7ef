/**
 * What the embedded store costs a create + release cycle, alone: the LMDB session store's insert
 * and delete (as the server makes them, synchronous commit on, then off), at the create + release
 * benchmark's concurrency, against the same loops on a Map (the bare Fastify baseline's store).
 * Prints cycles/s and the CPU time per cycle (every thread: lmdb-js's commits and fsyncs run off
 * the main thread) of each, the store's CPU over the Map's, and, given bare Fastify's CPU per
 * create + release cycle (`pnpm bench` prints it), the share of bare Fastify's rate a server could
 * reach on a saturated machine if all it added to bare Fastify were this store:
 * bare / (bare + store - map).
 *
 *   tsx bench/store-floor.ts [--cycles 20000] [--concurrency 32] [--rounds 3] [--bare-cpu-us 122]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openLmdbStore } from '../src/store/lmdb/lmdb-store.js';
import type { SessionRecord, SessionStore } from '../src/store/store.js';
import { BENCH_SESSION } from './support/run-load.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    'bare-cpu-us': { type: 'string', default: '122' },
  },
});
const cycles = Number(values.cycles);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const bareCpuUs = Number(values['bare-cpu-us']);

/** The record the server stores for BENCH_SESSION (its fields, the same sizes). */
function record(sessionId: string): SessionRecord {
  const now = new Date().toISOString();
  return {
    sessionId,
    owner: 'default',
    session: { ...BENCH_SESSION },
    features: '0',
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** Sessions in a Map, as the bare Fastify baseline keeps them. */
function mapSessions(): SessionStore {
  const sessions = new Map<string, SessionRecord>();
  return {
    async insertSession(created) {
      sessions.set(created.sessionId, created);
    },
    async getSession(sessionId) {
      return sessions.get(sessionId);
    },
    async replaceSession(replaced) {
      sessions.set(replaced.sessionId, replaced);
      return true;
    },
    async deleteSession(sessionId) {
      const current = sessions.get(sessionId);
      sessions.delete(sessionId);
      return current;
    },
    async countSessions() {
      return sessions.size;
    },
  };
}

interface Figures {
  perS: number;
  cpuUs: number;
}

/** `concurrency` loops, each inserting a session and deleting it, `count` cycles in all. */
async function run(sessions: SessionStore, prefix: string, count: number): Promise<Figures> {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const sessionId = `${prefix}-${next++}`;
        await sessions.insertSession(record(sessionId));
        if ((await sessions.deleteSession(sessionId, 'default')) === undefined) throw new Error(`${sessionId} was not stored`);
      }
    }),
  );
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { perS: (count / ms) * 1000, cpuUs: (used.user + used.system) / count };
}

/** The cycles on a fresh LMDB store, removed afterwards. */
async function onLmdb(synchronousCommit: boolean, prefix: string, count: number): Promise<Figures> {
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-store-floor-'));
  const store = await openLmdbStore({ path: dir, synchronousCommit });
  try {
    return await run(store.sessions, prefix, count);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? Number.NaN;

const variants: Record<string, (prefix: string, count: number) => Promise<Figures>> = {
  map: (prefix, count) => run(mapSessions(), prefix, count),
  'lmdb, synchronous commit': (prefix, count) => onLmdb(true, prefix, count),
  'lmdb, synchronous commit off': (prefix, count) => onLmdb(false, prefix, count),
};
const names = Object.keys(variants);
const figures = new Map<string, Figures[]>(names.map((name) => [name, []]));

// Warm-up: every variant once, a tenth of the cycles.
for (const name of names) await variants[name]?.(`warm-${name}`, Math.ceil(cycles / 10));
for (let round = 0; round < rounds; round++) {
  // Each round in another order, so that a burst of other work does not fall on one variant.
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) figures.get(name)?.push(await variants[name]!(`r${round}-${name}`, cycles));
}

const mapCpu = median(figures.get('map')!.map((f) => f.cpuUs));
process.stdout.write(`${cycles} create + release cycles of the session store, ${concurrency} loops, ${rounds} rounds (medians)\n`);
for (const name of names) {
  const list = figures.get(name)!;
  const cpuUs = median(list.map((f) => f.cpuUs));
  const extra = cpuUs - mapCpu;
  const ceiling =
    name === 'map'
      ? ''
      : `; with bare Fastify at ${bareCpuUs} µs a cycle: at most ${(bareCpuUs / (bareCpuUs + extra)).toFixed(2)} of its rate`;
  process.stdout.write(
    `${name.padEnd(30)} ${Math.round(median(list.map((f) => f.perS)))
      .toString()
      .padStart(
        7,
      )} cycles/s, ${cpuUs.toFixed(1).padStart(6)} µs CPU a cycle (${extra >= 0 ? '+' : ''}${extra.toFixed(1)} over the Map)${ceiling}\n`,
  );
}
