/**
 * Outbox throughput: notifications per second through enqueue + claim + finish, for LMDB and, when
 * DATABASE_URL is set, PostgreSQL (in a throw-away schema).
 *
 * Run: pnpm --filter @mmtel/server exec tsx bench/store-throughput.ts [count] [streams]
 * PRODUCERS (enqueue calls in flight, default 32) and CONSUMERS (claim loops, default 2) set the load.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openLmdbStore } from '../src/store/lmdb/lmdb-store.js';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import type { Store } from '../src/store/store.js';

const count = Number(process.argv[2] ?? 5_000);
const streamCount = Number(process.argv[3] ?? 200);
/** Enqueue calls in flight at once, one notification each, as concurrent HTTP requests would make them. */
const producers = Number(process.env['PRODUCERS'] ?? 32);
/** Claim loops, as several dispatcher workers (or instances) would run them. */
const consumers = Number(process.env['CONSUMERS'] ?? 2);

async function measure(store: Store): Promise<number> {
  const started = performance.now();
  let next = 0;
  let done = 0;
  const produce = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await store.outbox.enqueue([
        { stream: `session:${i % streamCount}`, callback: 'imsSessionNotification', target: 'http://af/cb', body: { i } },
      ]);
    }
  };
  const consume = async (owner: string): Promise<void> => {
    while (done < count) {
      const claimed = await store.outbox.claim({ owner, now: Date.now(), limit: 100, leaseMs: 30_000 });
      if (claimed.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      await Promise.all(
        claimed.map((entry) =>
          store.outbox.finish(entry.id, { state: 'delivered', attempts: 1, target: entry.target, at: Date.now(), status: 204 }),
        ),
      );
      done += claimed.length;
    }
  };
  await Promise.all([...Array.from({ length: producers }, produce), ...Array.from({ length: consumers }, (_, i) => consume(`bench-${i}`))]);
  const seconds = (performance.now() - started) / 1000;
  if ((await store.outbox.depth()) !== 0) throw new Error('entries left pending');
  return count / seconds;
}

function report(kind: string, rate: number): void {
  console.log(
    `${kind.padEnd(10)} ${Math.round(rate).toString().padStart(6)} notifications/s (enqueue+claim+finish; ${count} over ${streamCount} streams)`,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'mmtel-bench-'));
try {
  const lmdb = await openLmdbStore({ path: dir });
  report('LMDB', await measure(lmdb));
  await lmdb.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

const databaseUrl = process.env['DATABASE_URL'];
if (databaseUrl) {
  const schema = `bench_${randomUUID().slice(0, 8)}`;
  const store = await openPostgresStore({ connectionString: databaseUrl, schema });
  try {
    report('PostgreSQL', await measure(store));
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  }
} else {
  console.log('PostgreSQL skipped: set DATABASE_URL to measure it');
}
