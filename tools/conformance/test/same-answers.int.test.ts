import { validateNotification, type CallbackName } from '@mmtel/receiver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCallbackBody } from '../../../packages/server/src/notifications/callback-validator.js';
import { postFromAnotherProcess } from '../../../packages/validation/test/support/fetch-in-child.js';
import { startFuzzReceiver, startFuzzServer, type Target } from '../src/fuzz/targets.js';
import { send } from '../src/fuzz/wire.js';

// The server checks every notification before it sends it, the receiver every one it gets: one
// validation core, so a body gets the same invalidParams from both, and the same bytes the same
// answer from both.

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const mediaInfo = (streams: string) =>
  `{"notificationEvent":{"eventType":"SESSION_TERMINATION"},"sessionId":"s","mediaInfoList":{"m":{"mediaId":"m","mediaType":"DC","dcMediaSpecification":{"streams":${streams}}}}}`;

const imsSessionEvent = (overrides: Record<string, unknown> = {}) => ({
  session: 'http://127.0.0.1:8080/mmtel-callcontrol/v1/ims-sessions/s-1',
  eventReports: [{ event: 'SESSION_ESTABLISHMENT_SUCCESS', timeStamp: '2025-06-01T12:00:00Z' }],
  ...overrides,
});
const sessionEvent = (overrides: Record<string, unknown> = {}) => ({
  notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST' },
  sessionId: 's-2',
  ...overrides,
});

const badNotifications: [string, { callback: CallbackName; body: unknown }][] = [
  ['an empty IMS Session Notification', { callback: 'imsSessionNotification', body: {} }],
  ['a test notification with a wrong type', { callback: 'imsSessionNotification', body: { subscription: 42 } }],
  ['an event notification without events', { callback: 'imsSessionNotification', body: imsSessionEvent({ eventReports: [] }) }],
  [
    'an event at a time that is no date-time',
    {
      callback: 'imsSessionNotification',
      body: imsSessionEvent({ eventReports: [{ event: 'SESSION_TERMINATION', timeStamp: 'yesterday' }] }),
    },
  ],
  ['a body that is a string', { callback: 'imsSessionNotification', body: 'hello' }],
  ['a body that is an array', { callback: 'sessionEventNotification', body: [sessionEvent()] }],
  ['a Session Event Notification without its event', { callback: 'sessionEventNotification', body: { sessionId: 's-1' } }],
  [
    'an identity that is no ImsPublicId',
    { callback: 'sessionEventNotification', body: sessionEvent({ sessionInfo: { callingIdentity: 'alice' } }) },
  ],
  [
    'an ImsPublicId that fails at its last character',
    {
      callback: 'sessionEventNotification',
      body: sessionEvent({ sessionInfo: { callingIdentity: `sip:a@${'bbbbbbb.'.repeat(10)}com ` } }),
    },
  ],
  [
    'a media component under a key with "/" and "~"',
    { callback: 'sessionEventNotification', body: sessionEvent({ mediaInfoList: { 'a/b~c': { mediaId: 'a/b~c' } } }) },
  ],
  [
    'a number that overflows to Infinity',
    { callback: 'sessionEventNotification', body: JSON.parse(mediaInfo('{"s":{"streamId":1,"maxRetry":1e400}}')) },
  ],
  ['nesting 100 levels deep', { callback: 'imsSessionNotification', body: { ...imsSessionEvent(), x: JSON.parse(nested(100)) } }],
];

describe('the server and the receiver check a notification body alike', () => {
  it.each(badNotifications)('%s: the same invalidParams', (_name, { callback, body }) => {
    const server = validateCallbackBody(callback, body);
    const receiver = validateNotification(callback, body);
    expect(receiver.valid).toBe(false);
    expect(server).toEqual({ valid: false, invalidParams: receiver.valid ? [] : receiver.invalidParams });
  });
});

/** Bytes that are wrong whatever the schema: the server's CreateImsSession and the receiver must answer them alike. */
const badRequests: [string, { body: string | Buffer; contentType: string }][] = [
  [
    'bytes that are not UTF-8',
    { body: Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff]), Buffer.from('"}')]), contentType: 'application/json' },
  ],
  ['text that is not JSON', { body: '{"a":', contentType: 'application/json' }],
  ['an empty body', { body: '', contentType: 'application/json' }],
  ['a JSON array', { body: '[]', contentType: 'application/json' }],
  ['a JSON string', { body: '"text"', contentType: 'application/json' }],
  ['a __proto__ key', { body: '{"__proto__":{"polluted":true}}', contentType: 'application/json' }],
  ['an extension attribute nested 100 levels deep', { body: `{"fuzzNested":${nested(100)}}`, contentType: 'application/json' }],
  ['an extension attribute that overflows to Infinity', { body: '{"fuzzNumber":-1E+999}', contentType: 'application/json' }],
  ['a content type nothing parses', { body: '{}', contentType: 'text/plain' }],
];

const SESSIONS = '/mmtel-callcontrol/v1/ims-sessions';
const IMS_PATH = '/ims-session-notification';

describe('the server and the receiver answer the same bad bytes alike', () => {
  let server: Target;
  let receiver: Target;
  beforeAll(async () => {
    [server, receiver] = await Promise.all([startFuzzServer(), startFuzzReceiver()]);
  });
  afterAll(async () => Promise.all([server?.close(), receiver?.close()]));

  it.each(badRequests)('%s: the same ProblemDetails', async (_name, { body, contentType }) => {
    const [fromServer, fromReceiver] = await Promise.all(
      [`${server.origin}${SESSIONS}`, `${receiver.origin}${IMS_PATH}`].map(async (url) => {
        const answer = await send(new URL(url).origin, { method: 'POST', path: new URL(url).pathname, contentType, body });
        return { status: answer.status, contentType: answer.headers['content-type'], body: JSON.parse(answer.text) as unknown };
      }),
    );
    expect(fromServer!.status).toBeGreaterThanOrEqual(400);
    expect(fromReceiver).toEqual(fromServer);
  });

  it('a body over the limit, posted by fetch from another process, whole or streamed: the same 413 ProblemDetails, read by the client', async () => {
    const posts = [4 * server.bodyLimit, 32 * 1024 * 1024].flatMap((bytes) => [false, true].map((streamed) => ({ bytes, streamed })));
    const fromServer = await postFromAnotherProcess(posts.map((post) => ({ ...post, url: `${server.origin}${SESSIONS}` })));
    const fromReceiver = await postFromAnotherProcess(posts.map((post) => ({ ...post, url: `${receiver.origin}${IMS_PATH}` })));
    for (const answer of fromServer) expect(answer).toMatchObject({ status: 413, body: { status: 413, cause: 'PAYLOAD_TOO_LARGE' } });
    expect(fromReceiver).toEqual(fromServer);
  });
});
