import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open-store.js';
import { imsNotification, startReceiver } from '../notifications/support.js';
import { eventually } from '../support/process.js';

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
    const store = await openStore({ dataDir, leaseMs: 7_000 });
    try {
      expect(store.kind).toBe('lmdb');
      expect(store.outbox.leaseMs).toBe(7_000);
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
    const store = await openStore({ dataDir: join(root, 'unused'), databaseUrl: url.toString(), leaseMs: 7_000 });
    try {
      expect(store.kind).toBe('postgres');
      expect(store.outbox.leaseMs).toBe(7_000);
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

describe('MMTEL_NOTIFY_LEASE_MS', () => {
  it.each([
    ['90 s when unset', {}, 90_000],
    ['the value set', { MMTEL_NOTIFY_LEASE_MS: '30000' }, 30_000],
  ])('is %s', (_name, env, leaseMs) => {
    expect(loadConfig(env).notifications.leaseMs).toBe(leaseMs);
  });

  it.each([
    ['below 1 s', { MMTEL_NOTIFY_LEASE_MS: '999' }, 'MMTEL_NOTIFY_LEASE_MS="999" is not valid: expected an integer from 1000 to 3600000'],
    ['above 1 h', { MMTEL_NOTIFY_LEASE_MS: '3600001' }, 'expected an integer from 1000 to 3600000'],
    ['not a number', { MMTEL_NOTIFY_LEASE_MS: '90s' }, 'MMTEL_NOTIFY_LEASE_MS="90s" is not valid'],
    [
      'not longer than one request',
      { MMTEL_NOTIFY_LEASE_MS: '5000' },
      'MMTEL_NOTIFY_LEASE_MS=5000 must be longer than MMTEL_NOTIFY_TIMEOUT_MS=5000',
    ],
  ])('refuses a lease %s, naming the variable', (_name, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('is the lease of the notifications the server claims', async () => {
    // Answers only when told to: the notification stays claimed meanwhile.
    const held: Array<() => void> = [];
    const receiver = await startReceiver((_request, res) => held.push(() => res.writeHead(204).end()));
    const config = loadConfig({ LOG_LEVEL: 'silent', MMTEL_DATA_DIR: join(root, 'lease'), MMTEL_NOTIFY_LEASE_MS: '7000' });
    const app = await buildApp({ config, logger: false });
    onTestFinished(() => app.close());
    await app.ready();
    expect(app.mmtel.store.outbox.leaseMs).toBe(7_000);
    const before = Date.now();
    const [entry] = await app.mmtel.notifications.enqueue([imsNotification('s1', receiver.url('/as'))]);
    await eventually(() => receiver.requests.length === 1);
    const leased = await app.mmtel.store.outbox.get(entry!.id);
    expect(leased?.leaseUntil).toBeGreaterThanOrEqual(before + 7_000);
    expect(leased?.leaseUntil).toBeLessThanOrEqual(Date.now() + 7_000);
    held.forEach((answer) => answer());
    await app.mmtel.engine.whenIdle();
  });
});
