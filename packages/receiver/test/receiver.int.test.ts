import { describe, expect, it } from 'vitest';
import {
  notFound,
  problem,
  redirect,
  type ImsSessionEventNotification,
  type NotificationContext,
  type NotificationError,
  type SessionEventNotification,
  type TestNotification,
} from '../src/index.js';
import { CALL_EVENT_PATH, IMS_PATH, imsSessionEvent, sessionEvent, testNotification } from './support/notifications.js';
import { startReceiver } from './support/receiver.js';

describe('a notification the handler takes', () => {
  it('answers 204 to an ImsSessionEventNotification and hands it to onImsSessionEvent', async () => {
    const received: [ImsSessionEventNotification, NotificationContext][] = [];
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: (n, context) => void received.push([n, context]) } });
    const response = await receiver.post(IMS_PATH, imsSessionEvent());
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(received).toEqual([[imsSessionEvent(), expect.objectContaining({ callback: 'imsSessionNotification', transport: 'http' })]]);
  });

  it('answers 204 to a TestNotification and hands it to onTestNotification, not onImsSessionEvent', async () => {
    const tests: TestNotification[] = [];
    const events: ImsSessionEventNotification[] = [];
    const receiver = await startReceiver({
      handlers: { onImsSessionEvent: (n) => void events.push(n), onTestNotification: (n) => void tests.push(n) },
    });
    const response = await receiver.post(IMS_PATH, testNotification());
    expect(response.status).toBe(204);
    expect(tests).toEqual([testNotification()]);
    expect(events).toEqual([]);
  });

  it('acknowledges a TestNotification with 204 when there is no onTestNotification', async () => {
    const events: ImsSessionEventNotification[] = [];
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: (n) => void events.push(n) } });
    expect((await receiver.post(IMS_PATH, testNotification())).status).toBe(204);
    expect(events).toEqual([]);
  });

  it('answers 204 to a SessionEventNotification and hands it to onSessionEvent', async () => {
    const received: SessionEventNotification[] = [];
    const receiver = await startReceiver({ handlers: { onSessionEvent: (n) => void received.push(n) } });
    const response = await receiver.post(CALL_EVENT_PATH, sessionEvent());
    expect(response.status).toBe(204);
    expect(received).toEqual([sessionEvent()]);
  });

  it('waits for an async handler before answering', async () => {
    let done = false;
    const receiver = await startReceiver({
      handlers: {
        onSessionEvent: async () => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          done = true;
        },
      },
    });
    expect((await receiver.post(CALL_EVENT_PATH, sessionEvent())).status).toBe(204);
    expect(done).toBe(true);
  });
});

describe('a notification the sender got wrong', () => {
  const invalidBodies: [string, { given: unknown; want: { cause: string; params: string[] } }][] = [
    [
      'a missing mandatory attribute',
      { given: { ...imsSessionEvent(), eventReports: undefined }, want: { cause: 'MANDATORY_IE_MISSING', params: ['/eventReports'] } },
    ],
    [
      'a missing mandatory attribute deep in the body',
      {
        given: imsSessionEvent({ eventReports: [{ event: 'SESSION_TERMINATION' } as never] }),
        want: { cause: 'MANDATORY_IE_MISSING', params: ['/eventReports/0/timeStamp'] },
      },
    ],
    [
      'an incorrect mandatory attribute',
      {
        given: imsSessionEvent({ eventReports: [{ event: 'SESSION_TERMINATION', timeStamp: 'yesterday' }] }),
        want: { cause: 'MANDATORY_IE_INCORRECT', params: ['/eventReports/0/timeStamp'] },
      },
    ],
    [
      'an incorrect optional attribute',
      { given: { ...imsSessionEvent(), notifCorreId: 42 }, want: { cause: 'OPTIONAL_IE_INCORRECT', params: ['/notifCorreId'] } },
    ],
    ['a body that is no object', { given: [imsSessionEvent()], want: { cause: 'INVALID_MSG_FORMAT', params: [''] } }],
  ];

  it.each(invalidBodies)(
    'answers 400 with invalidParams as JSON Pointers to %s, without calling the handler',
    async (_name, { given, want }) => {
      let called = false;
      const receiver = await startReceiver({ handlers: { onImsSessionEvent: () => void (called = true) } });
      const response = await receiver.post(IMS_PATH, given);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as { status: number; cause: string; invalidParams: { param: string; reason: string }[] };
      expect(body).toMatchObject({ status: 400, cause: want.cause });
      expect(body.invalidParams.map((p) => p.param)).toEqual(want.params);
      expect(called).toBe(false);
    },
  );

  it('checks the 3GPP ImsPublicId pattern of a SessionEventNotification', async () => {
    const receiver = await startReceiver({ handlers: { onSessionEvent: () => undefined } });
    const response = await receiver.post(
      CALL_EVENT_PATH,
      sessionEvent({ sessionInfo: { callingIdentity: 'alice', calledIdentity: 'sip:bob@example.com' } }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      cause: 'OPTIONAL_IE_INCORRECT',
      invalidParams: [{ param: '/sessionInfo/callingIdentity' }],
    });
  });

  it('reports a rejected notification to onError with its invalidParams', async () => {
    const errors: NotificationError[] = [];
    const receiver = await startReceiver({ handlers: { onSessionEvent: () => undefined }, onError: (error) => errors.push(error) });
    await receiver.post(CALL_EVENT_PATH, { sessionId: 's-9' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'INVALID_NOTIFICATION',
      transport: 'http',
      callback: 'sessionEventNotification',
      invalidParams: [{ param: '/notificationEvent' }],
    });
  });

  it('answers 400 INVALID_MSG_FORMAT to malformed JSON', async () => {
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: () => undefined } });
    const response = await receiver.post(IMS_PATH, '{"session": "http://x/y", ');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 400, cause: 'INVALID_MSG_FORMAT' });
  });

  it('answers 400 INVALID_MSG_FORMAT, without calling the handler, to bytes that are not UTF-8 inside a JSON string', async () => {
    const received: unknown[] = [];
    const errors: NotificationError[] = [];
    const receiver = await startReceiver({
      handlers: { onImsSessionEvent: (n) => void received.push(n) },
      onError: (error) => errors.push(error),
    });
    const json = JSON.stringify(imsSessionEvent({ notifCorreId: '@@' }));
    const at = json.indexOf('@@');
    const body = Buffer.concat([Buffer.from(json.slice(0, at)), Buffer.from([0xff, 0x80]), Buffer.from(json.slice(at + 2))]);
    const response = await fetch(receiver.url(IMS_PATH), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, cause: 'INVALID_MSG_FORMAT' });
    expect(received).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['INVALID_JSON']);
  });

  it('answers 400 INVALID_MSG_FORMAT to an empty application/json body', async () => {
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: () => undefined } });
    const response = await receiver.post(IMS_PATH, '');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, cause: 'INVALID_MSG_FORMAT' });
  });

  it('answers 415 to a notification sent as text/plain', async () => {
    const errors: NotificationError[] = [];
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: () => undefined }, onError: (error) => errors.push(error) });
    const response = await receiver.post(IMS_PATH, JSON.stringify(imsSessionEvent()), 'text/plain');
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 415, cause: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(errors.map((e) => e.code)).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
  });

  it('accepts application/json with a charset parameter', async () => {
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: () => undefined } });
    expect((await receiver.post(IMS_PATH, JSON.stringify(imsSessionEvent()), 'application/json; charset=utf-8')).status).toBe(204);
  });

  it('answers 413 to a body over the limit', async () => {
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: () => undefined }, fastify: { bodyLimit: 1024 } });
    const response = await receiver.post(IMS_PATH, imsSessionEvent({ notifCorreId: 'x'.repeat(2048) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ status: 413, cause: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers a ProblemDetails 404 on a path that is no callback', async () => {
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: () => undefined } });
    const response = await receiver.post(CALL_EVENT_PATH, sessionEvent());
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, cause: 'RESOURCE_URI_STRUCTURE_NOT_FOUND' });
  });
});

describe('the outcomes a handler answers', () => {
  const notFoundCauses: [string, { given: { callback: 'ims' | 'callEvent'; cause: string }; want: { title: string } }][] = [
    [
      'USER_NOT_FOUND on the Session Event Notification',
      { given: { callback: 'callEvent', cause: 'USER_NOT_FOUND' }, want: { title: 'User not found' } },
    ],
    [
      'NOTIFICATION_URI_NOT_FOUND on the Session Event Notification',
      { given: { callback: 'callEvent', cause: 'NOTIFICATION_URI_NOT_FOUND' }, want: { title: 'Notification URI not found' } },
    ],
    [
      'SESSION_NOT_FOUND on the IMS Session Notification',
      { given: { callback: 'ims', cause: 'SESSION_NOT_FOUND' }, want: { title: 'IMS session not found' } },
    ],
    [
      'USER_NOT_FOUND on the IMS Session Notification',
      { given: { callback: 'ims', cause: 'USER_NOT_FOUND' }, want: { title: 'User not found' } },
    ],
  ];

  it.each(notFoundCauses)('notFound answers 404 ProblemDetails with %s', async (_name, { given, want }) => {
    const receiver = await startReceiver({
      handlers: { onImsSessionEvent: () => notFound(given.cause), onSessionEvent: () => notFound(given.cause) },
    });
    const response =
      given.callback === 'ims' ? await receiver.post(IMS_PATH, imsSessionEvent()) : await receiver.post(CALL_EVENT_PATH, sessionEvent());
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toEqual({ status: 404, cause: given.cause, title: want.title });
  });

  it('redirect answers 307 with Location and the RedirectResponse body on the Session Event Notification', async () => {
    const receiver = await startReceiver({
      handlers: {
        onSessionEvent: () =>
          redirect('http://127.0.0.1:9/standby', { cause: 'ALTERNATIVE_CONSUMER', targetScp: 'http://scp.example.com' }),
      },
    });
    const response = await receiver.post(CALL_EVENT_PATH, sessionEvent());
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:9/standby');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ cause: 'ALTERNATIVE_CONSUMER', targetScp: 'http://scp.example.com' });
  });

  it('redirect with permanent: true answers 308 with Location and the RedirectResponse body on the Session Event Notification', async () => {
    const receiver = await startReceiver({
      handlers: { onSessionEvent: () => redirect('http://127.0.0.1:9/new-home', { permanent: true, cause: 'MOVED' }) },
    });
    const response = await receiver.post(CALL_EVENT_PATH, sessionEvent());
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:9/new-home');
    expect(await response.json()).toEqual({ cause: 'MOVED' });
  });

  it('redirect answers 307 with Location and no body on the IMS Session Notification, which defines none', async () => {
    const receiver = await startReceiver({
      handlers: { onImsSessionEvent: () => redirect('http://127.0.0.1:9/temporary', { cause: 'IGNORED' }) },
    });
    const response = await receiver.post(IMS_PATH, imsSessionEvent());
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:9/temporary');
    expect(await response.text()).toBe('');
  });

  it('problem answers 503 ProblemDetails with Retry-After', async () => {
    const receiver = await startReceiver({
      handlers: { onImsSessionEvent: () => problem(503, { cause: 'NF_CONGESTION', retryAfter: 2 }) },
    });
    const response = await receiver.post(IMS_PATH, imsSessionEvent());
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toEqual({ status: 503, title: 'Service unavailable', cause: 'NF_CONGESTION' });
  });

  it('answers 500 SYSTEM_FAILURE and logs the error when the handler throws', async () => {
    const errors: NotificationError[] = [];
    const receiver = await startReceiver({
      handlers: {
        onImsSessionEvent: () => {
          throw new Error('database down');
        },
      },
      onError: (error) => errors.push(error),
    });
    const response = await receiver.post(IMS_PATH, imsSessionEvent());
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 500, cause: 'SYSTEM_FAILURE' });
    const logged = receiver.logs.filter((line) => line.level >= 50);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.msg).toContain('database down');
    expect(errors[0]).toMatchObject({ code: 'HANDLER_FAILED', cause: new Error('database down') });
  });

  it('answers 500 when a handler answers a status its callback does not define', async () => {
    const errors: NotificationError[] = [];
    const receiver = await startReceiver({
      // @ts-expect-error 502 is among the Session Event Notification's responses, not the IMS Session Notification's
      handlers: { onImsSessionEvent: () => problem(502) },
      onError: (error) => errors.push(error),
    });
    const response = await receiver.post(IMS_PATH, imsSessionEvent());
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ cause: 'SYSTEM_FAILURE' });
    expect(errors.map((e) => e.code)).toEqual(['OUTCOME_NOT_ALLOWED']);
  });

  it('answers 502 from problem(502) on the Session Event Notification, which defines it', async () => {
    const receiver = await startReceiver({ handlers: { onSessionEvent: () => problem(502, { cause: 'UPSTREAM' }) } });
    expect((await receiver.post(CALL_EVENT_PATH, sessionEvent())).status).toBe(502);
  });
});
