import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { json, noContent, startReceiver, type Received } from '../notifications/support.js';
import { eventually } from '../support/process.js';
import { imsSession, SESSIONS, sessionIdOf, startServer, useServer } from '../support/server.js';

const server = useServer({ MMTEL_NOTIFY_MAX_ATTEMPTS: '3' });

/** Creates a session; `body` and `info` as for imsSession. Returns it with its sessionId at hand. */
async function createSession(
  body: Record<string, unknown>,
  scenario = 'silent',
  info: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { sessionId: string }> {
  const response = await server.request('POST', SESSIONS, { json: imsSession(body, info), headers: { 'x-mmtel-sim-scenario': scenario } });
  expect(response.status).toBe(201);
  const session = (await response.json()) as Record<string, unknown>;
  return { ...session, sessionId: sessionIdOf(session) };
}

const events = (requests: Received[]) => requests.map((r) => (r.body as { eventReports: { event: string }[] }).eventReports[0]!.event);

describe('IMS Session Notifications of a simulated call', () => {
  it('reports progress, alerting and answer in order, with the session state and correlation id', async () => {
    const receiver = await startReceiver();
    const session = await createSession({ notifUri: receiver.url('/as'), notifCorreId: 'call-1' }, 'answer');
    const received = await eventually(() => receiver.on('/as').length >= 3 && receiver.on('/as'));
    expect(events(received)).toEqual(['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_ALERTING', 'SESSION_ESTABLISHMENT_SUCCESS']);
    expect(received[2]!.body).toMatchObject({
      session: session.self,
      sessionId: session.sessionId,
      notifCorreId: 'call-1',
      eventReports: [{ sessionState: 'ESTABLISHED' }],
    });
    expect(received[2]!.headers['content-type']).toBe('application/json');
  });

  it('reports only the events the AS asked for', async () => {
    const receiver = await startReceiver();
    await createSession({ notifUri: receiver.url('/as') }, 'busy', { events: ['SESSION_ESTABLISHMENT_FAILURE'] });
    const received = await eventually(() => receiver.on('/as').length >= 1 && receiver.on('/as'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.on('/as')).toHaveLength(1);
    expect(received[0]!.body).toMatchObject({
      eventReports: [{ event: 'SESSION_ESTABLISHMENT_FAILURE', cause: '486', sessionState: 'FAILED' }],
    });
  });

  it('sends the test notification after the 201 when the feature is negotiated', async () => {
    const receiver = await startReceiver();
    const session = await createSession({ notifUri: receiver.url('/as'), requestTestNotification: true, suppFeat: '2' });
    const [test] = await eventually(() => receiver.on('/as').length >= 1 && receiver.on('/as'));
    expect(test!.body).toEqual({ subscription: session.self });
  });

  it('sends no test notification when the feature is not negotiated', async () => {
    const receiver = await startReceiver();
    await createSession({ notifUri: receiver.url('/as'), requestTestNotification: true }, 'busy');
    const received = await eventually(() => receiver.on('/as').length >= 2 && receiver.on('/as'));
    expect(received.every((r) => (r.body as Record<string, unknown>).subscription === undefined)).toBe(true);
  });

  it('retries after a 503 and then delivers', async () => {
    const receiver = await startReceiver((_req, res, index) => (index === 0 ? res.writeHead(503).end() : noContent(_req, res, index)));
    await createSession({ notifUri: receiver.url('/as') }, 'answer', { events: ['SESSION_ESTABLISHMENT_SUCCESS'] });
    const received = await eventually(() => receiver.on('/as').length >= 2 && receiver.on('/as'));
    expect(received[0]!.raw).toBe(received[1]!.raw);
  });

  it('honours Retry-After on a 429', async () => {
    const receiver = await startReceiver((_req, res, index) =>
      index === 0 ? res.writeHead(429, { 'retry-after': '1' }).end() : noContent(_req, res, index),
    );
    await createSession({ notifUri: receiver.url('/as') }, 'answer', { events: ['SESSION_ESTABLISHMENT_SUCCESS'] });
    const [first, second] = await eventually(() => receiver.on('/as').length >= 2 && receiver.on('/as'));
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('re-sends to the Location of a 307 and keeps the notifUri for the next notification', async () => {
    const receiver = await startReceiver((req, res, index) => {
      if (req.path === '/as' && index === 0) return res.writeHead(307, { location: receiver.url('/temporary') }).end();
      noContent(req, res, index);
    });
    await createSession({ notifUri: receiver.url('/as') }, 'busy');
    await eventually(() => receiver.on('/as').length >= 2);
    expect(receiver.on('/temporary')).toHaveLength(1);
    expect(receiver.on('/temporary')[0]!.raw).toBe(receiver.on('/as')[0]!.raw);
  });

  it('after a 308 sends the later notifications to the new URI and shows it in the session', async () => {
    const receiver = await startReceiver((req, res, index) => {
      if (req.path === '/as') return res.writeHead(308, { location: receiver.url('/moved') }).end();
      noContent(req, res, index);
    });
    const session = await createSession({ notifUri: receiver.url('/as') }, 'answer');
    await eventually(() => receiver.on('/moved').length >= 3);
    expect(receiver.on('/as')).toHaveLength(1);
    const patched = await server.request('PATCH', `${SESSIONS}/${String(session.sessionId)}`, {
      json: { notifCorreId: 'x' },
      contentType: 'application/merge-patch+json',
    });
    expect(((await patched.json()) as Record<string, unknown>).notifUri).toBe(receiver.url('/moved'));
  });

  it('gives up after the attempt budget and records it in the delivery record', async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(500).end());
    const session = await createSession({ notifUri: receiver.url('/as') }, 'busy', { events: ['SESSION_ESTABLISHMENT_FAILURE'] });
    await eventually(() => receiver.on('/as').length >= 3);
    const deliveries = await eventually(async () => {
      const list = (await (
        await server.request('GET', `/sim/v1/deliveries?session-id=${String(session.sessionId)}&state=FAILED`)
      ).json()) as unknown[];
      return list.length === 1 && list;
    });
    expect(deliveries[0]).toMatchObject({ state: 'FAILED', attempts: 3, lastStatus: 500 });
  });

  it('delivers over the WebSocket the AS opened, instead of HTTP POST', async () => {
    const receiver = await startReceiver();
    const session = await createSession({
      notifUri: receiver.url('/as'),
      suppFeat: '1',
      websockNotifConfig: { requestWebsocketUri: true },
    });
    const uri = (session.websockNotifConfig as { websocketUri: string }).websocketUri;
    expect(uri).toBe(`${server.apiRoot.replace('http', 'ws')}/mmtel-callcontrol/v1/notification-websockets/${String(session.sessionId)}`);
    const socket = new WebSocket(uri);
    const messages: unknown[] = [];
    socket.on('message', (data) => messages.push(JSON.parse((data as Buffer).toString('utf8'))));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    await eventually(() => server.app.mmtel.engine && true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const injected = await server.request('POST', `/sim/v1/sessions/${String(session.sessionId)}/remote-release`);
    expect(injected.status).toBe(202);
    await eventually(() => messages.length >= 1);
    socket.close();
    expect(messages[0]).toMatchObject({
      sessionId: session.sessionId,
      eventReports: [{ event: 'SESSION_TERMINATION', sessionState: 'TERMINATED' }],
    });
    expect(receiver.on('/as')).toHaveLength(0);
  });
});

const incomingCall = { callingIdentity: 'tel:+4930111111', calledIdentity: 'sip:alice@example.com' };

describe('Session Event Notifications of injected network events', () => {
  it('answers 409 to an incoming call when no SessionEventNotificationUri is configured', async () => {
    const response = await server.request('POST', '/sim/v1/incoming-calls', { json: incomingCall });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ cause: 'NOTIFICATION_TARGET_NOT_CONFIGURED' });
  });

  it('sends an incoming call to the configured SessionEventNotificationUri', async () => {
    const receiver = await startReceiver();
    const callEvent = await startServer({ MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/events') });
    const injected = (await (await callEvent.request('POST', '/sim/v1/incoming-calls', { json: incomingCall })).json()) as {
      sessionId: string;
    };
    const [notification] = await eventually(() => receiver.on('/events').length >= 1 && receiver.on('/events'));
    expect(notification!.body).toEqual({
      notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST', eventInitiator: 'REMOTE_IMS_SUBSCRIBER' },
      sessionId: injected.sessionId,
      sessionInfo: { ...incomingCall, sessionCase: 'TERMINATING_IMS_SESSION' },
    });
  });

  it('does not retry a 404 USER_NOT_FOUND and records it', async () => {
    const receiver = await startReceiver((_req, res) =>
      json(res, 404, { status: 404, cause: 'USER_NOT_FOUND' }, { 'content-type': 'application/problem+json' }),
    );
    const callEvent = await startServer({ MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/events') });
    const { sessionId } = (await (await callEvent.request('POST', '/sim/v1/incoming-calls', { json: incomingCall })).json()) as {
      sessionId: string;
    };
    const [record] = await eventually(async () => {
      const list = (await (await callEvent.request('GET', `/sim/v1/deliveries?session-id=${sessionId}&state=FAILED`)).json()) as unknown[];
      return list.length === 1 && list;
    });
    expect(record).toMatchObject({ attempts: 1, lastStatus: 404, lastError: expect.stringContaining('USER_NOT_FOUND') });
    expect(receiver.on('/events')).toHaveLength(1);
  });

  it('follows a 307 with a RedirectResponse body to its Location', async () => {
    const receiver = await startReceiver((req, res, index) => {
      if (req.path === '/events') return json(res, 307, { cause: 'ALTERNATIVE_CONSUMER' }, { location: receiver.url('/standby') });
      noContent(req, res, index);
    });
    const callEvent = await startServer({ MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/events') });
    await callEvent.request('POST', '/sim/v1/incoming-calls', { json: incomingCall });
    const [redirected] = await eventually(() => receiver.on('/standby').length >= 1 && receiver.on('/standby'));
    expect(redirected!.raw).toBe(receiver.on('/events')[0]!.raw);
  });

  it('after a 308 sends later Session Event Notifications to the new URI', async () => {
    const receiver = await startReceiver((req, res, index) => {
      if (req.path === '/events') return res.writeHead(308, { location: receiver.url('/new-home') }).end();
      noContent(req, res, index);
    });
    const callEvent = await startServer({ MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/events') });
    await callEvent.request('POST', '/sim/v1/incoming-calls', { json: incomingCall });
    await eventually(() => receiver.on('/new-home').length >= 1);
    await callEvent.request('POST', '/sim/v1/incoming-calls', { json: incomingCall });
    await eventually(() => receiver.on('/new-home').length >= 2);
    expect(receiver.on('/events')).toHaveLength(1);
  });

  it('reports a remote hang-up of an AS session to both the CallEvent URI and the notifUri', async () => {
    const receiver = await startReceiver();
    const callEvent = await startServer({ MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/events') });
    const created = {
      sessionId: sessionIdOf(
        await (await callEvent.request('POST', SESSIONS, { json: imsSession({ notifUri: receiver.url('/as') }) })).json(),
      ),
    };
    const injected = await callEvent.request('POST', `/sim/v1/sessions/${created.sessionId}/remote-release`);
    expect(injected.status).toBe(202);
    expect(((await injected.json()) as { notifications: string[] }).notifications).toHaveLength(2);
    const [event] = await eventually(() => receiver.on('/events').length >= 1 && receiver.on('/events'));
    const [ims] = await eventually(() => receiver.on('/as').length >= 1 && receiver.on('/as'));
    expect(event!.body).toMatchObject({
      notificationEvent: { eventType: 'SESSION_TERMINATION' },
      sessionInfo: { sessionCase: 'ORIGINATING_IMS_SESSION' },
    });
    expect(ims!.body).toMatchObject({
      eventReports: [{ event: 'SESSION_TERMINATION', eventInitiator: 'REMOTE_IMS_SUBSCRIBER', sessionState: 'TERMINATED' }],
    });
  });

  it('reports a media change of an AS session', async () => {
    const receiver = await startReceiver();
    const callEvent = await startServer({ MMTEL_SESSION_EVENT_NOTIFICATION_URI: receiver.url('/events') });
    const created = {
      sessionId: sessionIdOf(
        await (await callEvent.request('POST', SESSIONS, { json: imsSession({ notifUri: receiver.url('/as') }) })).json(),
      ),
    };
    const mediaInfoList = { video: { mediaId: 'video', mediaType: 'VIDEO' } };
    const injected = await callEvent.request('POST', `/sim/v1/sessions/${created.sessionId}/media-changes`, { json: { mediaInfoList } });
    expect(injected.status).toBe(202);
    const [event] = await eventually(() => receiver.on('/events').length >= 1 && receiver.on('/events'));
    const [ims] = await eventually(() => receiver.on('/as').length >= 1 && receiver.on('/as'));
    expect(event!.body).toMatchObject({ notificationEvent: { eventType: 'MEDIA_CHANGE_REQUEST' }, mediaInfoList });
    expect(ims!.body).toMatchObject({ eventReports: [{ event: 'MEDIA_CHANGE_SUCCESS', mediaInfoList }] });
  });
});
