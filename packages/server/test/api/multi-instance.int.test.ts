import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { eventually, listenOn, spawnServer, type ServerProcess } from '../support/process.js';
import { freePort, imsSession, SESSIONS, sessionIdOf } from '../support/server.js';

/** A database of its own on the test run's PostgreSQL, dropped when the test ends. */
async function freshDatabase(): Promise<string> {
  const admin = inject('databaseUrl');
  const name = `mmtel_${randomUUID().replace(/-/g, '')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  onTestFinished(async () => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

function call(server: ServerProcess, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
  return fetch(server.apiRoot + path, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': contentType } }),
  });
}

describe('two server instances on one PostgreSQL', () => {
  it('share sessions and deliver each notification exactly once, in order per session', async () => {
    const databaseUrl = await freshDatabase();
    const asPort = await freePort();
    const as = await listenOn(asPort);
    const common = { DATABASE_URL: databaseUrl, MMTEL_SIM_SCENARIO: 'answer', MMTEL_SIM_STEP_MS: '0' };
    const [a, b] = await Promise.all([
      spawnServer({ ...common, PORT: String(await freePort()) }),
      spawnServer({ ...common, PORT: String(await freePort()) }),
    ]);

    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await call(a, 'POST', SESSIONS, imsSession({ notifUri: `http://127.0.0.1:${asPort}/as` }));
      expect(created.status).toBe(201);
      ids.push(sessionIdOf(await created.json()));
    }
    for (const id of ids.slice(0, 10)) {
      const updated = await call(b, 'PATCH', `${SESSIONS}/${id}`, { notifCorreId: `via-b-${id}` }, 'application/merge-patch+json');
      expect(updated.status).toBe(200);
      expect(await updated.json()).toMatchObject({ notifCorreId: `via-b-${id}` });
    }
    for (const id of ids.slice(10)) expect((await call(b, 'DELETE', `${SESSIONS}/${id}`)).status).toBe(204);
    for (const id of ids.slice(10)) expect((await call(a, 'DELETE', `${SESSIONS}/${id}`)).status).toBe(404);

    await eventually(() => as.caught.length >= 60);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(as.caught).toHaveLength(60);
    // The two instances' own counts add up to 60: no notification was sent by both.
    const delivered = await Promise.all(
      [a, b].map(async (server) => {
        const text = await (await call(server, 'GET', '/metrics')).text();
        return Number(/mmtel_notification_deliveries_total\{callback="imsSessionNotification"\} (\d+)/.exec(text)?.[1] ?? 0);
      }),
    );
    expect(delivered[0]! + delivered[1]!).toBe(60);
    for (const id of ids) {
      const mine = as.caught.filter((c) => c.body.sessionId === id).map((c) => (c.body.eventReports as { event: string }[])[0]!.event);
      expect(mine).toEqual(['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_ALERTING', 'SESSION_ESTABLISHMENT_SUCCESS']);
    }
  });
});
