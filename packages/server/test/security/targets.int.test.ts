import { describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../src/reference-server.js';
import { eventually } from '../support/process.js';
import { imsSession, SESSIONS, startServer, useServer, type RunningServer, sessionIdOf } from '../support/server.js';
import { startReceiver, type Receiver } from '../notifications/support.js';

/** Private targets denied (as in the production profile), except the AS network 127.0.0.2. */
const DENY_PRIVATE = { MMTEL_ALLOW_PRIVATE_TARGETS: 'false', MMTEL_ALLOWED_TARGET_NETWORKS: '127.0.0.2', MMTEL_NOTIFY_MAX_ATTEMPTS: '2' };
const server = useServer(DENY_PRIVATE);

async function create(on: RunningServer, notifUri: string, scenario = 'silent'): Promise<Response> {
  return on.request('POST', SESSIONS, { json: imsSession({ notifUri }), headers: { 'x-mmtel-sim-scenario': scenario } });
}

async function expectRejectedNotifUri(response: Response): Promise<void> {
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({
    cause: 'MANDATORY_IE_INCORRECT',
    invalidParams: [{ param: '/notifUri', reason: expect.any(String) }],
  });
}

async function failedDeliveries(on: RunningServer, sessionId: string): Promise<Array<Record<string, unknown>>> {
  return eventually(async () => {
    const list = (await (await on.request('GET', `/sim/v1/deliveries?session-id=${sessionId}&state=FAILED`)).json()) as Array<
      Record<string, unknown>
    >;
    return list.length > 0 && list;
  });
}

/** A listener on a forbidden loopback address: it must never see a request. */
async function forbiddenListener(): Promise<Receiver> {
  return startReceiver(undefined, { host: '127.0.0.1' });
}

describe('notifUri on creation', () => {
  const forbidden = (port: number) => [
    ['loopback', `http://127.0.0.1:${port}/as`],
    ['a host name that resolves to loopback', `http://localhost:${port}/as`],
    ['IPv6 loopback', `http://[::1]:${port}/as`],
    ['IPv4-mapped IPv6 loopback', `http://[::ffff:127.0.0.1]:${port}/as`],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a private network', 'http://10.0.0.1/as'],
    ['IPv6 link-local', 'http://[fe80::1]/as'],
    ['a scheme other than http(s)', `ftp://127.0.0.2:${port}/as`],
  ];

  it.each(forbidden(1))('is refused with 400 when it is %s', async (_name, uri) => {
    await expectRejectedNotifUri(await create(server, uri));
  });

  it('reaches nothing when refused: the forbidden listener sees no request', async () => {
    const listener = await forbiddenListener();
    const port = Number(new URL(listener.origin).port);
    for (const [, uri] of forbidden(port)) await create(server, uri!, 'busy');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(listener.requests).toHaveLength(0);
    expect(listener.connections()).toBe(0);
  });

  it('is accepted on a network the configuration allows, and notified there', async () => {
    const receiver = await startReceiver(undefined, { host: '127.0.0.2' });
    expect((await create(server, receiver.url('/as'), 'busy')).status).toBe(201);
    await eventually(() => receiver.on('/as').length >= 1);
  });
});

describe('notifUri on update', () => {
  it('is refused with 400 on PUT', async () => {
    const created = { sessionId: sessionIdOf(await (await create(server, 'http://127.0.0.2:9/as')).json()) };
    await expectRejectedNotifUri(
      await server.request('PUT', `${SESSIONS}/${created.sessionId}`, { json: imsSession({ notifUri: 'http://127.0.0.1:9/as' }) }),
    );
  });

  it('is refused with 400 on PATCH', async () => {
    const created = { sessionId: sessionIdOf(await (await create(server, 'http://127.0.0.2:9/as')).json()) };
    await expectRejectedNotifUri(
      await server.request('PATCH', `${SESSIONS}/${created.sessionId}`, {
        json: { notifUri: 'http://localhost:9/as' },
        contentType: 'application/merge-patch+json',
      }),
    );
  });
});

describe('notification delivery', () => {
  it('does not follow a redirect to a forbidden target, and records the notification as given up', async () => {
    const listener = await forbiddenListener();
    const receiver = await startReceiver((_request, res) => res.writeHead(307, { location: listener.url('/stolen') }).end(), {
      host: '127.0.0.2',
    });
    const sessionId = sessionIdOf(await (await create(server, receiver.url('/as'), 'busy')).json());
    const [failed] = await failedDeliveries(server, sessionId);
    expect(String(failed!.lastError)).toMatch(/target refused/);
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(listener.connections()).toBe(0);
  });

  it('refuses a host name that resolved to a public address when checked and to loopback when connecting', async () => {
    // DNS rebinding: the check-time resolver (pinned here) says public; the connect-time lookup is the system's.
    const rebinding = await startServer(DENY_PRIVATE, { resolveTarget: async () => [{ address: '93.184.216.34', family: 4 }] });
    const listener = await forbiddenListener();
    const response = await create(rebinding, `http://localhost:${new URL(listener.origin).port}/as`, 'busy');
    expect(response.status).toBe(201);
    const sessionId = sessionIdOf(await response.json());
    const [failed] = await failedDeliveries(rebinding, sessionId);
    expect(String(failed!.lastError)).toMatch(/target refused/);
    expect(listener.connections()).toBe(0);
  });
});

describe('the configured SessionEventNotificationUri', () => {
  it('stops the server from starting when it is a forbidden target', async () => {
    await expect(
      startReferenceServer({ ...DENY_PRIVATE, MMTEL_SESSION_EVENT_NOTIFICATION_URI: 'http://127.0.0.1:9/events' }),
    ).rejects.toThrow(/MMTEL_SESSION_EVENT_NOTIFICATION_URI.*not an allowed notification target/);
  });
});
