import { describe, expect, it } from 'vitest';
import { imsSession, SESSIONS, useServer } from '../support/server.js';

// Errors a newcomer can act on: what a value must look like, in words, and which media types an
// operation takes.

describe('errors a newcomer can act on', () => {
  const server = useServer();

  it('explains a calledParty that is no SIP or tel URI in words, with examples, the pattern kept beside', async () => {
    const body = imsSession();
    const info = body['imsSessionInfo'] as Record<string, unknown> | undefined;
    const bad = info !== undefined ? { ...body, imsSessionInfo: { ...info, calledParty: 'bob' } } : { ...body, calledParty: 'bob' };
    const response = await server.request('POST', SESSIONS, { json: bad });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { invalidParams: Array<{ param: string; reason: string; pattern?: string }> };
    const calledParty = problem.invalidParams.find((param) => param.param.endsWith('/calledParty'));
    expect(calledParty?.reason).toBe('must be a SIP URI such as sip:alice@example.com or a tel URI such as tel:+4930123456');
    expect(calledParty?.pattern).toMatch(/^\^\(sip/);
  });

  it('answers a body no parser takes with a 415 that names the media type the operation accepts', async () => {
    const response = await server.request('POST', SESSIONS, { body: 'hello', contentType: 'text/plain' });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({
      cause: 'UNSUPPORTED_MEDIA_TYPE',
      detail: 'The body must be sent as application/json, not text/plain.',
      invalidParams: [{ param: 'Content-Type', reason: 'must be application/json' }],
    });
  });

  it('answers a PATCH in a type no parser takes with a 415 that names application/merge-patch+json', async () => {
    const response = await server.request('PATCH', `${SESSIONS}/s-1`, { body: '<x/>', contentType: 'application/xml' });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ detail: 'The body must be sent as application/merge-patch+json, not application/xml.' });
  });
});
