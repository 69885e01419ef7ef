import { describe, expect, it } from 'vitest';
import { imsSession, SESSIONS, useServer } from '../support/server.js';

// Regressions of the conformance fuzz findings (tools/conformance/fuzz-seeds.md) fixed in the server.
const server = useServer();

describe('hostile input', () => {
  it('answers a near miss of the ImsPublicId pattern at once (no exponential backtracking, F1)', async () => {
    const started = performance.now();
    const response = await server.request('POST', SESSIONS, {
      json: imsSession({}, { calledParty: `sip:a@${'bbbbbbb.'.repeat(40)}com ` }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ invalidParams: [expect.objectContaining({ param: '/imsSessionInfo/calledParty' })] });
    // As written the pattern needs (6^40) steps for this body; the linear form answers in milliseconds.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('answers 400 INVALID_MSG_FORMAT to a JSON string holding bytes that are not UTF-8 (F5)', async () => {
    const body = Buffer.concat([
      Buffer.from(
        '{"afId":"default","imsSessionInfo":{"callingParty":"tel:+4930123456","calledParty":"sip:bob@example.com"},"notifUri":"http://127.0.0.1:9/n","notifCorreId":"a',
      ),
      Buffer.from([0xff]),
      Buffer.from('b"}'),
    ]);
    const response = await fetch(server.apiRoot + SESSIONS, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, cause: 'INVALID_MSG_FORMAT' });
  });

  it('answers 404 ProblemDetails to a session id longer than any the server allocates (F8)', async () => {
    const response = await server.request('DELETE', `${SESSIONS}/${'x'.repeat(101)}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers 400 ProblemDetails to a malformed percent-encoding in the path (F9)', async () => {
    const response = await server.request('DELETE', `${SESSIONS}/%zz`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, cause: 'INVALID_MSG_FORMAT' });
  });
});
