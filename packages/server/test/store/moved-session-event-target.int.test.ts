import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { noContent, startReceiver, type Receiver } from '../notifications/support.js';
import { eventually } from '../support/process.js';

// After a 308 on the Session Event Notification, the new URI is kept in the store: a restarted
// server, or another instance on the same PostgreSQL, sends there too (TS 29.122 clause 5.2.10).

const root = await mkdtemp(join(tmpdir(), 'mmtel-moved-target-'));
const databaseUrl = inject('databaseUrl');
const schemas: string[] = [];

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
  await admin(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  });
});

/** Builds and readies a server (no socket: the simulator API is injected); closed with the test unless closed before. */
async function startApp(env: Record<string, string>): Promise<FastifyInstance> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    MMTEL_SIM_STEP_MS: '0',
    MMTEL_NOTIFY_TIMEOUT_MS: '1000',
    MMTEL_NOTIFY_BACKOFF_MS: '10',
    ...env,
  });
  const app = await buildApp({ config, logger: false });
  onTestFinished(() => app.close());
  await app.ready();
  return app;
}

/** Injects an incoming call: one Session Event Notification. */
async function incomingCall(app: FastifyInstance): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: '/sim/v1/incoming-calls',
    payload: { callingIdentity: 'tel:+4930111111', calledIdentity: 'sip:alice@example.com' },
  });
  expect(response.statusCode, response.body).toBe(202);
}

/** A receiver whose /events answers 308 to /new-home; everything else takes the notification. */
async function movingReceiver(): Promise<Receiver> {
  const receiver: Receiver = await startReceiver((request, res, index) => {
    if (request.path === '/events') return res.writeHead(308, { location: receiver.url('/new-home') }).end();
    noContent(request, res, index);
  });
  return receiver;
}

/** A database URL whose connections use a schema of this test's own. */
async function schemaUrl(): Promise<string> {
  const schema = `moved_target_${randomUUID().slice(0, 8)}`;
  schemas.push(schema);
  await admin((client) => client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`));
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

describe('the CallEvent URI a 308 moved', () => {
  it('is used after a restart on the same LMDB data, until the configured URI changes', async () => {
    const receiver = await movingReceiver();
    const env = { MMTEL_DATA_DIR: join(root, 'lmdb'), MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/events') };
    const first = await startApp(env);
    await incomingCall(first);
    await eventually(() => receiver.on('/new-home').length === 1);
    await first.mmtel.engine.whenIdle();
    await first.close();

    const restarted = await startApp(env);
    await incomingCall(restarted);
    await eventually(() => receiver.on('/new-home').length === 2);
    expect(receiver.on('/events')).toHaveLength(1);
    await restarted.close();

    // Another configured URI is the operator's new choice: the old move does not apply to it.
    const reconfigured = await startApp({ ...env, MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/elsewhere') });
    await incomingCall(reconfigured);
    await eventually(() => receiver.on('/elsewhere').length === 1);
    expect(receiver.on('/new-home')).toHaveLength(2);
  });

  it('is used by a second instance on the same PostgreSQL that starts after the 308', async () => {
    const receiver = await movingReceiver();
    const env = { DATABASE_URL: await schemaUrl(), MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/events') };
    const first = await startApp(env);
    await incomingCall(first);
    await eventually(() => receiver.on('/new-home').length === 1);
    await first.mmtel.engine.whenIdle();

    const second = await startApp(env);
    await incomingCall(second);
    await eventually(() => receiver.on('/new-home').length === 2);
    expect(receiver.on('/events')).toHaveLength(1);
  });
});
