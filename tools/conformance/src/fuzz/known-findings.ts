import type { AttackKind, Expectation, MutationOptions, WireRequest } from '@mmtel/check/attacks';

// The findings of the fuzz tests (the story of each, with its seed, is in fuzz-seeds.md): the
// limits that keep the properties green while a finding is open, and every failing request as
// it was found, replayed by the fuzz test files as regression cases.

/**
 * Mutation limits against the reference server while a finding is open. Empty since F1 (the
 * ImsPublicId pattern backtracking exponentially) was fixed: near misses of any length.
 */
export const serverMutationOptions: MutationOptions = {};

/**
 * Attack kinds left out against the reference server while their finding is open (each then
 * replayed in OPEN_IN_SERVER). Empty since F5 (bytes that are not UTF-8) was fixed.
 */
export const serverAttackExclusions: readonly AttackKind[] = [];

/** F1 is fixed in the receiver: near misses of any length. */
export const receiverMutationOptions: MutationOptions = {};

/** F5 is fixed in the receiver: every attack kind. */
export const receiverAttackExclusions: readonly AttackKind[] = [];

/** One failing request as the fuzz tests found it, and the answer it must get. */
export interface FindingCase {
  finding: string;
  req: WireRequest;
  want: Expectation;
}

const SESSIONS = '/mmtel-callcontrol/v1/ims-sessions';
const parties = { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' };
const validSession = JSON.stringify({ afId: 'af-fuzz', imsSessionInfo: parties, notifUri: 'http://127.0.0.1:9/n' });
const sessionEvent = JSON.stringify({ notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST' }, sessionId: 's-1' });
/** `json` with one more attribute written as raw JSON text. */
const withRaw = (json: string, name: string, raw: string) => `${json.slice(0, -1)},${JSON.stringify(name)}:${raw}}`;
const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const post = (path: string, body: string | Uint8Array): WireRequest => ({ method: 'POST', path, contentType: 'application/json', body });

/** Findings fixed in the reference server: the request now gets the right answer. */
export const FIXED_IN_SERVER: readonly FindingCase[] = [
  {
    finding: 'F2: an extension attribute of arrays nested 5000 deep (was 500: the store overflowed the stack)',
    req: post(SESSIONS, withRaw(validSession, 'x', `${'['.repeat(5000)}1${']'.repeat(5000)}`)),
    want: { statuses: [400], cause: 'INVALID_MSG_FORMAT' },
  },
  {
    finding: 'F3: maxDuration 1e400 (was 201 echoing "maxDuration": null)',
    req: post(SESSIONS, validSession.replace(JSON.stringify(parties), withRaw(JSON.stringify(parties), 'maxDuration', '1e400'))),
    want: { statuses: [400], param: '/imsSessionInfo/maxDuration' },
  },
  {
    finding: 'F4: a body that is a JSON array (was 400 OPTIONAL_IE_INCORRECT)',
    req: post(SESSIONS, '[]'),
    want: { statuses: [400], cause: 'INVALID_MSG_FORMAT' },
  },
  {
    finding: 'F1: a 90-byte ImsPublicId near miss (was seconds of blocked event loop; minutes two labels later)',
    req: post(
      SESSIONS,
      JSON.stringify({ ...JSON.parse(validSession), imsSessionInfo: { ...parties, calledParty: `sip:a@${'bbbbbbb.'.repeat(10)}com ` } }),
    ),
    want: { statuses: [400], param: '/imsSessionInfo/calledParty' },
  },
  {
    finding: 'F5: 0xFF inside a JSON string (was 201 with U+FFFD in its place)',
    req: post(SESSIONS, bytes(validSession.slice(0, -1), ',"notifCorreId":"a', [0xff], 'b"}')),
    want: { statuses: [400], cause: 'INVALID_MSG_FORMAT' },
  },
  {
    finding: 'F8: a session id longer than 100 characters (was 414 with a Fastify body)',
    req: { method: 'DELETE', path: `${SESSIONS}/${'x'.repeat(101)}` },
    want: { statuses: [404] },
  },
  {
    finding: 'F9: a malformed percent-encoding in the path (was 400 with a Fastify body)',
    req: { method: 'DELETE', path: `${SESSIONS}/%zz` },
    want: { statuses: [400] },
  },
  {
    finding: 'F10: PUT of session id %00 (was 500 SYSTEM_FAILURE on PostgreSQL: text cannot hold NUL)',
    req: { method: 'PUT', path: `${SESSIONS}/%00`, contentType: 'application/json', body: validSession },
    want: { statuses: [404], cause: 'SESSION_NOT_FOUND' },
  },
  {
    finding: 'F10: DELETE of session id a%00b (was 500 SYSTEM_FAILURE on PostgreSQL)',
    req: { method: 'DELETE', path: `${SESSIONS}/a%00b` },
    want: { statuses: [404], cause: 'SESSION_NOT_FOUND' },
  },
];

/**
 * Findings still open in the reference server: the request still gets a wrong answer. Replayed
 * as expected failures, which turn red the day the finding is fixed (then move it to the list above).
 */
export const OPEN_IN_SERVER: readonly FindingCase[] = [];

/** Findings fixed in @mmtel/receiver. */
export const FIXED_IN_RECEIVER: readonly FindingCase[] = [
  {
    finding: 'F1: a 90-byte ImsPublicId near miss (was seconds of blocked event loop)',
    req: post(
      '/session-event-notification',
      withRaw(sessionEvent, 'sessionInfo', JSON.stringify({ callingIdentity: `sip:a@${'bbbbbbb.'.repeat(10)}com ` })),
    ),
    want: { statuses: [400], param: '/sessionInfo/callingIdentity' },
  },
  {
    finding: 'F3: maxRetry 1E+999 (was 204: the handler got Infinity)',
    req: post(
      '/session-event-notification',
      withRaw(
        sessionEvent,
        'mediaInfoList',
        '{"m":{"mediaId":"m","mediaType":"DC","dcMediaSpecification":{"streams":{"s":{"maxRetry":1E+999}}}}}',
      ),
    ),
    want: { statuses: [400], param: '/mediaInfoList/m/dcMediaSpecification/streams/s/maxRetry' },
  },
  {
    finding: 'F5: 0xFF inside a JSON string (was 204: the handler got U+FFFD)',
    req: post('/ims-session-notification', bytes('{"subscription":"a', [0xff], 'b"}')),
    want: { statuses: [400], cause: 'INVALID_MSG_FORMAT' },
  },
];
