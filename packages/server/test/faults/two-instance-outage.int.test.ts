import type { FastifyInstance } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { freshDatabase } from '../support/fresh-database.js';
import { imsSession, SESSIONS, sessionIdOf } from '../support/server.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// Two instances on one PostgreSQL, reached through a proxy the test cuts (connections refused or
// reset, as when PostgreSQL restarts) or turns into a black hole (packets dropped, as when a
// network path fails silently). Every instance must say it is not ready, answer every request that
// needs the database with 503 and Retry-After in bounded time, and come back by itself.

/** The store's timeouts in this test (the defaults are 5 s to connect and 15 s per statement). */
const CONNECT_TIMEOUT_MS = 1_000;
const QUERY_TIMEOUT_MS = 2_000;
/** The longest a request may take during an outage: a connection attempt, a statement, and slack. */
const ANSWER_BOUND_MS = CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MS + 1_500;

interface Instance {
  app: FastifyInstance;
  name: string;
}

async function twoInstances(): Promise<{ instances: Instance[]; proxy: TcpProxy }> {
  const direct = new URL(await freshDatabase());
  const proxy = await startTcpProxy(direct.hostname, Number(direct.port));
  const proxied = new URL(direct);
  proxied.port = String(proxy.port);
  const instances: Instance[] = [];
  for (const name of ['a', 'b']) {
    const store = await openPostgresStore({
      connectionString: proxied.toString(),
      poolSize: 4,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      queryTimeoutMs: QUERY_TIMEOUT_MS,
    });
    // With the rate limit on, every API request first counts in the shared counters (the same database).
    const app = await buildApp({
      config: loadConfig({ LOG_LEVEL: 'silent', MMTEL_SIM_SCENARIO: 'silent', MMTEL_RATE_LIMIT_MAX: '100000' }),
      store,
      logger: false,
    });
    onTestFinished(async () => {
      await app.close();
      await store.close();
    });
    instances.push({ app, name });
  }
  onTestFinished(async () => {
    await proxy.restore().catch(() => undefined);
    await proxy.close();
  });
  return { instances, proxy };
}

/** A request and how long it took to be answered. */
async function timed(app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const started = Date.now();
  const answer = await app.inject({
    method,
    url,
    ...(payload !== undefined && {
      payload: payload as Record<string, unknown>,
      headers: { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
    }),
  });
  return { answer, ms: Date.now() - started };
}

/** Polls /readyz of `app` until it answers `status`; returns the ms it took. */
async function readyzBecomes(app: FastifyInstance, status: number, withinMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if ((await app.inject({ method: 'GET', url: '/readyz' })).statusCode === status) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`/readyz did not answer ${status} within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each([
  ['cut', 'connections refused and reset, as while PostgreSQL restarts', (proxy: TcpProxy) => proxy.cut()],
  ['black hole', 'packets dropped without a word, as when a network path fails', async (proxy: TcpProxy) => proxy.blackhole()],
])('two instances while PostgreSQL is unreachable (%s: %s)', (_name, _what, breakIt) => {
  it('answers /readyz 503 on every instance during the outage, and 200 again by itself once PostgreSQL is back', async () => {
    const { instances, proxy } = await twoInstances();
    for (const { app } of instances) expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await breakIt(proxy);
    for (const { app } of instances) {
      await readyzBecomes(app, 503, ANSWER_BOUND_MS);
      const { answer, ms } = await timed(app, 'GET', '/readyz');
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toMatchObject({ status: 503, cause: 'NF_CONGESTION' });
      expect(ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    await proxy.restore();
    for (const { app } of instances) await readyzBecomes(app, 200, 10_000);
  });

  it('answers every request that needs the database with 503 NF_CONGESTION and Retry-After in bounded time on every instance, and serves them again afterwards', async () => {
    const { instances, proxy } = await twoInstances();
    const [a, b] = instances as [Instance, Instance];
    const created = await a.app.inject({ method: 'POST', url: SESSIONS, payload: imsSession() });
    expect(created.statusCode).toBe(201);
    const path = `${SESSIONS}/${sessionIdOf(created.json())}`;
    await breakIt(proxy);
    const during = await Promise.all(
      instances.flatMap(({ app, name }) =>
        (
          [
            ['POST', SESSIONS, imsSession()],
            ['PUT', path, imsSession()],
            ['PATCH', path, { notifCorreId: 'x' }],
            ['DELETE', path, undefined],
          ] as const
        ).map(async ([method, url, body]) => ({ request: `${method} via ${name}`, ...(await timed(app, method, url, body)) })),
      ),
    );
    const wrong = during
      .filter(
        ({ answer, ms }) =>
          answer.statusCode !== 503 ||
          answer.headers['retry-after'] === undefined ||
          !String(answer.headers['content-type']).startsWith('application/problem+json') ||
          ms >= ANSWER_BOUND_MS,
      )
      .map(
        ({ request, answer, ms }) =>
          `${request}: ${answer.statusCode} retry-after=${String(answer.headers['retry-after'])} in ${ms} ms ${answer.body.slice(0, 200)}`,
      );
    expect(wrong).toEqual([]);
    expect(during[0]!.answer.json()).toMatchObject({ status: 503, cause: 'NF_CONGESTION' });
    await proxy.restore();
    for (const { app } of instances) await readyzBecomes(app, 200, 10_000);
    const patched = await b.app.inject({
      method: 'PATCH',
      url: path,
      payload: { notifCorreId: 'after' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(patched.statusCode).toBe(200);
    expect((await a.app.inject({ method: 'POST', url: SESSIONS, payload: imsSession() })).statusCode).toBe(201);
    expect((await a.app.inject({ method: 'DELETE', url: path })).statusCode).toBe(204);
  });
});
