import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';

const databaseUrl = inject('databaseUrl');
const root = await mkdtemp(join(tmpdir(), 'mmtel-open-store-'));
const schema = `open_store_${randomUUID().slice(0, 8)}`;

async function admin<T>(action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await admin((client) => client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));
});

describe('openStore', () => {
  it('opens LMDB under a data directory it creates when no database URL is given', async () => {
    const dataDir = join(root, 'nested', 'data');
    const store = await openStore({ dataDir });
    try {
      expect(store.kind).toBe('lmdb');
      expect((await stat(dataDir)).isDirectory()).toBe(true);
      await store.ping();
    } finally {
      await store.close();
    }
  });

  it('opens PostgreSQL when a database URL is given', async () => {
    await admin((client) => client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`));
    // The tables land in the connection's current schema; point it at this test's own.
    const url = new URL(databaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const store = await openStore({ dataDir: join(root, 'unused'), databaseUrl: url.toString() });
    try {
      expect(store.kind).toBe('postgres');
      await store.sessions.countSessions();
      const tables = await admin((client) =>
        client.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]),
      );
      expect(tables.rows.map((row: { table_name: string }) => row.table_name)).toContain('outbox');
    } finally {
      await store.close();
    }
  });
});
