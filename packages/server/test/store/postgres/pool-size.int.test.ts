import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { openStore } from '../../../src/store/open-store.js';

const databaseUrl = inject('databaseUrl');

/** The connections PostgreSQL has open for `applicationName`. */
async function connectionsOf(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [
      applicationName,
    ]);
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL store opened with MMTEL_PG_POOL_SIZE', () => {
  it('holds no more connections than the pool size while more requests than that are in flight', async () => {
    // The application name tells this store's connections from those of the test files running beside it.
    const applicationName = `pool-size-${randomUUID().slice(0, 8)}`;
    const url = new URL(databaseUrl);
    url.searchParams.set('application_name', applicationName);
    const store = await openStore({ dataDir: '', databaseUrl: url.href, pgPoolSize: 2 });
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.sessions.getSession(`absent-${i}`)));
      expect(await connectionsOf(applicationName)).toBe(2);
    } finally {
      await store.close();
    }
  });
});
