import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { StoreUnavailableError } from '../../src/store/store-errors.js';
import type { Store } from '../../src/store/store.js';
import { imsNotification } from '../notifications/support.js';
import { imsSession, SESSIONS } from '../support/server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// The PostgreSQL store reached through a proxy the test cuts: a database restart or a network
// blip, as the store sees it, without restarting the PostgreSQL other test files share.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store in a schema of its own, connected through a proxy; both dropped when the test ends. */
async function proxiedStore(
  options: { leaseMs?: number } = {},
): Promise<{ store: Store; proxy: TcpProxy; admin: pg.Client; schema: string }> {
  const direct = new URL(inject('databaseUrl'));
  const proxy = await startTcpProxy(direct.hostname, Number(direct.port));
  const proxied = new URL(direct);
  proxied.port = String(proxy.port);
  const schema = `faults_${randomUUID().replace(/-/g, '')}`;
  const store = await openPostgresStore({ connectionString: proxied.toString(), schema, poolSize: 2, ...options });
  const admin = new pg.Client({ connectionString: direct.toString() });
  await admin.connect();
  onTestFinished(async () => {
    await proxy.restore().catch(() => undefined);
    await store.close();
    await proxy.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  return { store, proxy, admin, schema };
}

async function claimOne(store: Store) {
  const [entry] = await store.outbox.enqueue([imsNotification(randomUUID(), 'http://127.0.0.1:9/as')]);
  const [claimed] = await store.outbox.claim({ owner: 'test', now: Date.now(), limit: 1, leaseMs: 60_000 });
  expect(claimed?.id).toBe(entry!.id);
  return claimed!;
}

describe('the PostgreSQL store when PostgreSQL becomes unreachable for a moment', () => {
  it('records a delivered notification once PostgreSQL is reachable again, instead of leaving it to its lease', async () => {
    const { store, proxy } = await proxiedStore();
    const entry = await claimOne(store);
    await proxy.cut();
    const finishing = store.outbox
      .finish(entry.id, { state: 'delivered', attempts: 1, target: entry.target, at: Date.now(), status: 204 })
      .catch((error: unknown) => error);
    await sleep(500);
    await proxy.restore();
    expect(await finishing).toBeUndefined();
    expect(await store.outbox.get(entry.id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('records a retry once PostgreSQL is reachable again, releasing the lease', async () => {
    const { store, proxy } = await proxiedStore();
    const entry = await claimOne(store);
    await proxy.cut();
    const retrying = store.outbox
      .retry(entry.id, { attempts: 1, nextAttemptAt: Date.now(), target: entry.target, status: 503, error: 'HTTP 503' })
      .catch((error: unknown) => error);
    await sleep(500);
    await proxy.restore();
    expect(await retrying).toBeUndefined();
    const stored = await store.outbox.get(entry.id);
    expect(stored).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 503 });
    expect(stored?.leaseOwner).toBeUndefined();
  });

  it('fails a transaction whose connection is cut, without crashing the process, and works again afterwards', async () => {
    const { store, proxy, admin, schema } = await proxiedStore();
    const entry = await claimOne(store);
    // Hold the stream's lock so that the retarget transaction is open and waiting when the cut comes.
    await admin.query('BEGIN');
    await admin.query(`SELECT 1 FROM ${schema}.outbox_streams WHERE stream = $1 FOR UPDATE`, [entry.stream]);
    const retargeting = store.outbox.retarget(entry.stream, entry.target, 'http://127.0.0.1:9/moved');
    let settled = false;
    void retargeting.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let waiting = false; !waiting; await sleep(20)) {
      // A retarget that ended before waiting (e.g. no connection to be had) would leave this loop spinning.
      if (settled)
        throw new Error(
          `the retarget ended before it waited on the stream lock: ${String(await retargeting.catch((error: unknown) => error))}`,
        );
      // This test's schema only: other test files use the same PostgreSQL in parallel. Inside its
      // transaction, admin would otherwise keep reading the snapshot of its first look.
      await admin.query('SELECT pg_stat_clear_snapshot()');
      const { rowCount } = await admin.query(
        `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1 AND pid <> pg_backend_pid()`,
        [`%${schema}%outbox_streams%`],
      );
      waiting = rowCount !== null && rowCount > 0;
    }
    await proxy.cut();
    await expect(retargeting).rejects.toThrow();
    await admin.query('ROLLBACK');
    await proxy.restore();
    expect(await store.outbox.retarget(entry.stream, entry.target, 'http://127.0.0.1:9/moved')).toBe(1);
  });

  it('rejects calls with StoreUnavailableError while PostgreSQL cannot be reached, and serves them again afterwards', async () => {
    const { store, proxy } = await proxiedStore();
    await proxy.cut();
    await expect(store.sessions.getSession('s1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.outbox.claim({ owner: 'test', now: Date.now(), limit: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.outbox.enqueue([imsNotification(randomUUID(), 'http://127.0.0.1:9/as')])).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(store.outbox.retarget('a', 'http://127.0.0.1:9/as', 'http://127.0.0.1:9/moved')).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await proxy.restore();
    expect(await store.sessions.getSession('s1')).toBeUndefined();
  });

  it("tries an outcome write again for a quarter of the store's lease, then gives up with StoreUnavailableError", async () => {
    const { store, proxy } = await proxiedStore({ leaseMs: 2_000 });
    const entry = await claimOne(store);
    await proxy.cut();
    const started = Date.now();
    const error = await store.outbox
      .retry(entry.id, { attempts: 1, nextAttemptAt: Date.now(), target: entry.target })
      .catch((e: unknown) => e);
    const tookMs = Date.now() - started;
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(tookMs).toBeGreaterThanOrEqual(300);
    expect(tookMs).toBeLessThan(1_500);
  });

  it('answers 503 NF_CONGESTION with Retry-After while PostgreSQL cannot be reached, and 201 once it is back', async () => {
    const { store, proxy } = await proxiedStore();
    const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', MMTEL_SIM_SCENARIO: 'silent' }), store, logger: false });
    onTestFinished(() => app.close());
    const create = () => app.inject({ method: 'POST', url: SESSIONS, payload: imsSession() });
    await proxy.cut();
    const refused = await create();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json()).toMatchObject({ status: 503, cause: 'NF_CONGESTION' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    await proxy.restore();
    expect((await create()).statusCode).toBe(201);
  });
});
