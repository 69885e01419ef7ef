import { fastify } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  connectNotificationWebSocket,
  notFound,
  notificationReceiver,
  redirect,
  type ImsSessionEventNotification,
  type SessionEventNotification,
  type TestNotification,
} from '../src/index.js';
import { eventually, listenOnLoopback, startReceiver } from './support/receiver.js';
import { SESSIONS, startReferenceServer, type ReferenceServer } from './support/reference-server.js';

/**
 * Creates an IMS session at the reference server and returns its 201 body, with the sessionId of
 * its imsSessionInfo at hand.
 */
async function createSession(
  server: ReferenceServer,
  body: Record<string, unknown>,
  scenario: string,
): Promise<Record<string, unknown> & { sessionId: string }> {
  const response = await server.request('POST', SESSIONS, {
    json: { afId: 'default', imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' }, ...body },
    headers: { 'x-mmtel-sim-scenario': scenario },
  });
  expect(response.status).toBe(201);
  const session = (await response.json()) as Record<string, unknown> & { imsSessionInfo: { sessionId: string } };
  return { ...session, sessionId: session.imsSessionInfo.sessionId };
}

const eventsOf = (notifications: ImsSessionEventNotification[]) =>
  notifications.flatMap((n) => n.eventReports.map((report) => report.event));
const incomingCall = { callingIdentity: 'tel:+4930111111', calledIdentity: 'sip:alice@example.com' };

describe('against the reference MMTel server', () => {
  it("receives the answer scenario's events in order at onImsSessionEvent", async () => {
    const server = await startReferenceServer();
    const received: ImsSessionEventNotification[] = [];
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: (n) => void received.push(n) } });
    const session = await createSession(server, { notifUri: receiver.url('/ims-session-notification'), notifCorreId: 'call-1' }, 'answer');
    await eventually(() => received.length >= 3);
    expect(eventsOf(received)).toEqual([
      'SESSION_ESTABLISHMENT_PROGRESS',
      'SESSION_ESTABLISHMENT_ALERTING',
      'SESSION_ESTABLISHMENT_SUCCESS',
    ]);
    expect(received.every((n) => n.session === session.self && n.sessionId === session.sessionId && n.notifCorreId === 'call-1')).toBe(
      true,
    );
  });

  it('receives the test notification at onTestNotification once the feature is negotiated', async () => {
    const server = await startReferenceServer();
    const tests: TestNotification[] = [];
    const receiver = await startReceiver({
      handlers: { onImsSessionEvent: () => undefined, onTestNotification: (n) => void tests.push(n) },
    });
    const session = await createSession(
      server,
      { notifUri: receiver.url('/ims-session-notification'), suppFeat: '2', requestTestNotification: true },
      'silent',
    );
    await eventually(() => tests.length >= 1);
    expect(tests).toEqual([{ subscription: session.self }]);
  });

  it('a permanent redirect makes the server send this and every later notification to the new URI', async () => {
    const server = await startReferenceServer();
    const atOld: ImsSessionEventNotification[] = [];
    const atNew: ImsSessionEventNotification[] = [];
    const app = fastify();
    let newUri = '';
    await app.register(notificationReceiver, {
      handlers: { onImsSessionEvent: (n) => (atOld.push(n), redirect(newUri, { permanent: true })) },
      paths: { imsSessionNotification: '/old' },
    });
    await app.register(notificationReceiver, {
      handlers: { onImsSessionEvent: (n) => void atNew.push(n) },
      paths: { imsSessionNotification: '/new' },
    });
    const origin = await listenOnLoopback(app);
    newUri = `${origin}/new`;
    await createSession(server, { notifUri: `${origin}/old` }, 'answer');
    await eventually(() => atNew.length >= 3);
    expect(atOld).toHaveLength(1);
    expect(eventsOf(atNew)).toEqual(['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_ALERTING', 'SESSION_ESTABLISHMENT_SUCCESS']);
  });

  it('receives an incoming call at onSessionEvent from the configured SessionEventNotificationUri', async () => {
    const received: SessionEventNotification[] = [];
    const receiver = await startReceiver({ handlers: { onSessionEvent: (n) => void received.push(n) } });
    const server = await startReferenceServer({ MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/session-event-notification') });
    const injected = await server.request('POST', '/sim/v1/incoming-calls', { json: incomingCall });
    expect(injected.status).toBe(202);
    const { sessionId } = (await injected.json()) as { sessionId: string };
    await eventually(() => received.length >= 1);
    expect(received).toEqual([
      {
        notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST', eventInitiator: 'REMOTE_IMS_SUBSCRIBER' },
        sessionId,
        sessionInfo: { ...incomingCall, sessionCase: 'TERMINATING_IMS_SESSION' },
      },
    ]);
  });

  it('a temporary CallEvent redirect with a RedirectResponse makes the server re-send the notification to its Location', async () => {
    const atStandby: SessionEventNotification[] = [];
    const app = fastify();
    let standby = '';
    await app.register(notificationReceiver, {
      handlers: { onSessionEvent: () => redirect(standby, { cause: 'ALTERNATIVE_CONSUMER' }) },
      paths: { sessionEventNotification: '/events' },
    });
    await app.register(notificationReceiver, {
      handlers: { onSessionEvent: (n) => void atStandby.push(n) },
      paths: { sessionEventNotification: '/standby' },
    });
    const origin = await listenOnLoopback(app);
    standby = `${origin}/standby`;
    const server = await startReferenceServer({ MMTEL_SESSION_EVENT_NOTIFICATION_URI: `${origin}/events` });
    await server.request('POST', '/sim/v1/incoming-calls', { json: incomingCall });
    await eventually(() => atStandby.length >= 1);
    expect(atStandby[0]).toMatchObject({ notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST' } });
  });

  it('a notFound USER_NOT_FOUND answer makes the server give up after one attempt', async () => {
    let attempts = 0;
    const receiver = await startReceiver({ handlers: { onSessionEvent: () => (attempts++, notFound('USER_NOT_FOUND')) } });
    const server = await startReferenceServer({ MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/session-event-notification') });
    const { sessionId } = (await (await server.request('POST', '/sim/v1/incoming-calls', { json: incomingCall })).json()) as {
      sessionId: string;
    };
    const failed = await eventuallyAsync(async () => {
      const deliveries = (await (
        await server.request('GET', `/sim/v1/deliveries?session-id=${sessionId}&state=FAILED`)
      ).json()) as unknown[];
      return deliveries.length === 1 && deliveries;
    });
    expect(failed[0]).toMatchObject({ attempts: 1, lastStatus: 404, lastError: expect.stringContaining('USER_NOT_FOUND') });
    expect(attempts).toBe(1);
  });

  it('receives the events over the WebSocket the server offered, not by HTTP POST', async () => {
    const server = await startReferenceServer();
    const overHttp: ImsSessionEventNotification[] = [];
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: (n) => void overHttp.push(n) } });
    const session = await createSession(
      server,
      { notifUri: receiver.url('/ims-session-notification'), suppFeat: '1', websockNotifConfig: { requestWebsocketUri: true } },
      'silent',
    );
    const { websocketUri } = session.websockNotifConfig as { websocketUri: string };
    const overSocket: ImsSessionEventNotification[] = [];
    const errors: unknown[] = [];
    const socket = await connectNotificationWebSocket(
      websocketUri,
      { onImsSessionEvent: (n) => void overSocket.push(n) },
      { onError: (error) => errors.push(error) },
    );
    onTestFinished(() => socket.close().then(() => undefined));
    // The server attaches the socket to the session after the upgrade, once it has read the
    // session from its store; nothing shows when, so give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const released = await server.request('POST', `/sim/v1/sessions/${String(session.sessionId)}/remote-release`);
    expect(released.status).toBe(202);
    await eventually(() => overSocket.length >= 1);
    expect(overSocket[0]).toMatchObject({
      sessionId: session.sessionId,
      eventReports: [{ event: 'SESSION_TERMINATION', sessionState: 'TERMINATED' }],
    });
    expect(overHttp).toEqual([]);
    expect(errors).toEqual([]);
  });
});

/** Polls an async check until it gives a value, failing after `ms`. */
async function eventuallyAsync<T>(check: () => Promise<T | false>, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== false) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
