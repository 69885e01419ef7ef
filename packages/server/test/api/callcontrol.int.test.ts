import { describe, expect, it } from 'vitest';
import { imsSession, SESSIONS, sessionIdOf, startServer, useServer, type RunningServer } from '../support/server.js';

const shared = useServer();

async function created(
  server: RunningServer,
  body = imsSession(),
): Promise<{ id: string; location: string; session: Record<string, unknown> }> {
  const response = await server.request('POST', SESSIONS, { json: body });
  expect(response.status).toBe(201);
  const session = (await response.json()) as Record<string, unknown>;
  return { id: sessionIdOf(session), location: response.headers.get('location')!, session };
}

async function problemOf(response: Response): Promise<Record<string, unknown>> {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body.status).toBe(response.status);
  expect(typeof body.title).toBe('string');
  expect(typeof body.cause).toBe('string');
  return body;
}

describe('POST /ims-sessions', () => {
  it('answers 201 with the session, its self link and an absolute Location', async () => {
    const server = shared;
    const { id, location, session } = await created(server);
    expect(location).toBe(`${server.apiRoot}/mmtel-callcontrol/v1/ims-sessions/${id}`);
    expect(session).toMatchObject({
      self: location,
      afId: 'default',
      imsSessionInfo: { sessionState: 'INITIATING', callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
    });
  });

  it.each([
    ['all features offered', { given: 'F', want: '3' }],
    ['only the test notification', { given: '2', want: '2' }],
    ['only unknown features', { given: 'F0', want: '' }],
  ])('negotiates suppFeat as the intersection: %s', async (_name, { given, want }) => {
    const server = shared;
    const { session } = await created(server, imsSession({ suppFeat: given }));
    expect(session.suppFeat).toBe(want);
  });

  it('ignores the read-only attributes a client sends', async () => {
    const server = shared;
    const { id, session } = await created(
      server,
      imsSession({ self: 'http://elsewhere' }, { sessionId: 'mine', sessionState: 'ESTABLISHED' }),
    );
    expect(id).not.toBe('mine');
    expect(session.self).not.toBe('http://elsewhere');
    expect(session.imsSessionInfo).toMatchObject({ sessionState: 'INITIATING' });
  });

  it.each([
    [
      'a missing mandatory attribute',
      {
        given: { afId: 'default', imsSessionInfo: { callingParty: 'tel:+4930123456' }, notifUri: 'http://as.example/n' },
        cause: 'MANDATORY_IE_MISSING',
        param: '/imsSessionInfo/calledParty',
      },
    ],
    [
      'a missing afId',
      {
        given: { imsSessionInfo: imsSession().imsSessionInfo, notifUri: 'http://as.example/n' },
        cause: 'MANDATORY_IE_MISSING',
        param: '/afId',
      },
    ],
    [
      'a malformed ImsPublicId',
      { given: imsSession({}, { callingParty: 'bob' }), cause: 'MANDATORY_IE_INCORRECT', param: '/imsSessionInfo/callingParty' },
    ],
    ['a malformed suppFeat mask', { given: imsSession({ suppFeat: 'XYZ' }), cause: 'OPTIONAL_IE_INCORRECT', param: '/suppFeat' }],
    // The cause is decided by the top-level attribute: events lies in imsSessionInfo, which is
    // mandatory since the TS 29.522 V19.5.0 re-base (it was an optional top-level attribute).
    [
      'an unknown event of the wrong type',
      { given: imsSession({}, { events: [42] }), cause: 'MANDATORY_IE_INCORRECT', param: '/imsSessionInfo/events/0' },
    ],
  ])('answers 400 with invalidParams for %s', async (_name, { given, cause, param }) => {
    const server = shared;
    const response = await server.request('POST', SESSIONS, { json: given });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.cause).toBe(cause);
    expect(problem.invalidParams).toEqual(expect.arrayContaining([expect.objectContaining({ param })]));
  });

  it('answers 400 INVALID_MSG_FORMAT to malformed JSON', async () => {
    const server = shared;
    const response = await server.request('POST', SESSIONS, { body: '{"callingParty": ' });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).cause).toBe('INVALID_MSG_FORMAT');
  });

  it.each(['[]', '"callingParty"', '42', 'null'])(
    'answers 400 INVALID_MSG_FORMAT to a body that is JSON but no object: %s',
    async (body) => {
      const server = shared;
      const response = await server.request('POST', SESSIONS, { body });
      expect(response.status).toBe(400);
      expect((await problemOf(response)).cause).toBe('INVALID_MSG_FORMAT');
    },
  );

  it('answers 400 naming the attribute to a number literal that overflows to Infinity, which JSON cannot echo', async () => {
    const server = shared;
    const body = JSON.stringify(imsSession({}, { maxDuration: 0 })).replace('"maxDuration":0', '"maxDuration":1e400');
    const response = await server.request('POST', SESSIONS, { body });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    // maxDuration lies in the mandatory imsSessionInfo since the TS 29.522 V19.5.0 re-base.
    expect(problem.cause).toBe('MANDATORY_IE_INCORRECT');
    expect(problem.invalidParams).toEqual([expect.objectContaining({ param: '/imsSessionInfo/maxDuration' })]);
  });

  it.each([
    ['arrays', (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`],
    ['objects', (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`],
  ])(
    'answers 400 INVALID_MSG_FORMAT, not 500, to an extension attribute of %s nested 5000 deep, and 201 to one 30 deep',
    async (_name, nested) => {
      const server = shared;
      const body = (depth: number) => `${JSON.stringify(imsSession()).slice(0, -1)},"extension":${nested(depth)}}`;
      const deep = await server.request('POST', SESSIONS, { body: body(5000) });
      expect(deep.status).toBe(400);
      expect((await problemOf(deep)).cause).toBe('INVALID_MSG_FORMAT');
      expect((await server.request('POST', SESSIONS, { body: body(30) })).status).toBe(201);
    },
  );

  it('answers 400 when the body is missing', async () => {
    const server = shared;
    const response = await server.request('POST', SESSIONS);
    expect(response.status).toBe(400);
    expect((await problemOf(response)).cause).toBe('MANDATORY_IE_MISSING');
  });

  it('answers 415 to a content type the operation does not declare', async () => {
    const server = shared;
    const response = await server.request('POST', SESSIONS, { body: JSON.stringify(imsSession()), contentType: 'text/plain' });
    expect(response.status).toBe(415);
    expect((await problemOf(response)).cause).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 to a body over the limit', async () => {
    const server = await startServer({ MMTEL_BODY_LIMIT: '2048' }); // its own limit
    const response = await server.request('POST', SESSIONS, { json: imsSession({ notifCorreId: 'x'.repeat(4096) }) });
    expect(response.status).toBe(413);
    expect((await problemOf(response)).cause).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('PUT /ims-sessions/{sessionId}', () => {
  it('replaces the session and answers 200 with it', async () => {
    const server = shared;
    const { id, session } = await created(server);
    const response = await server.request('PUT', `${SESSIONS}/${id}`, {
      json: { ...session, notifCorreId: 'corr-1', notifUri: 'http://as.example/new' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      imsSessionInfo: { sessionId: id },
      notifCorreId: 'corr-1',
      notifUri: 'http://as.example/new',
      self: session.self,
    });
  });

  it('answers 403 MODIFICATION_NOT_ALLOWED when the body changes the called party', async () => {
    const server = shared;
    const { id } = await created(server);
    const response = await server.request('PUT', `${SESSIONS}/${id}`, { json: imsSession({}, { calledParty: 'sip:carol@example.com' }) });
    expect(response.status).toBe(403);
    const problem = await problemOf(response);
    expect(problem.cause).toBe('MODIFICATION_NOT_ALLOWED');
    expect(problem.invalidParams).toEqual([expect.objectContaining({ param: '/imsSessionInfo/calledParty' })]);
  });

  it('ignores a sessionState in the body, as the spec says of the attributes the server sets', async () => {
    const server = shared;
    const { id, session } = await created(server);
    const response = await server.request('PUT', `${SESSIONS}/${id}`, {
      json: { ...session, imsSessionInfo: { ...(session.imsSessionInfo as object), sessionState: 'ESTABLISHED' }, notifCorreId: 'corr-2' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ imsSessionInfo: { sessionState: 'INITIATING' }, notifCorreId: 'corr-2' });
  });

  it('answers 404 SESSION_NOT_FOUND for an unknown session', async () => {
    const server = shared;
    const response = await server.request('PUT', `${SESSIONS}/no-such-session`, { json: imsSession() });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).cause).toBe('SESSION_NOT_FOUND');
  });
});

describe('PATCH /ims-sessions/{sessionId}', () => {
  it('applies a JSON merge patch and answers 200 with the result', async () => {
    const server = shared;
    const { id } = await created(server, imsSession({ notifCorreId: 'old' }, { events: ['SESSION_TERMINATION'] }));
    const response = await server.request('PATCH', `${SESSIONS}/${id}`, {
      json: {
        notifCorreId: null,
        imsSessionInfo: { mediaComponents: { audio: { mediaId: 'audio', mediaType: 'AUDIO', mediaDirection: 'SENDRECV' } } },
      },
      contentType: 'application/merge-patch+json',
    });
    expect(response.status).toBe(200);
    const session = (await response.json()) as { imsSessionInfo: Record<string, unknown> };
    expect(session).not.toHaveProperty('notifCorreId');
    expect(session.imsSessionInfo.events).toEqual(['SESSION_TERMINATION']);
    expect(session.imsSessionInfo.mediaComponents).toEqual({ audio: { mediaId: 'audio', mediaType: 'AUDIO', mediaDirection: 'SENDRECV' } });
  });

  it('ignores a sessionState in the patch, whatever its value', async () => {
    const server = shared;
    const { id } = await created(server);
    for (const sessionState of ['TERMINATED', 42]) {
      const response = await server.request('PATCH', `${SESSIONS}/${id}`, {
        json: { imsSessionInfo: { sessionState }, notifCorreId: 'c' },
        contentType: 'application/merge-patch+json',
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ imsSessionInfo: { sessionState: 'INITIATING' }, notifCorreId: 'c' });
    }
  });

  it('answers 415 for a PATCH sent as application/json', async () => {
    const server = shared;
    const { id } = await created(server);
    const response = await server.request('PATCH', `${SESSIONS}/${id}`, { json: { notifCorreId: 'x' }, contentType: 'application/json' });
    expect(response.status).toBe(415);
    expect((await problemOf(response)).cause).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400 when the patched session would not be a valid ImsSession', async () => {
    const server = shared;
    const { id } = await created(server);
    const response = await server.request('PATCH', `${SESSIONS}/${id}`, {
      json: { imsSessionInfo: { mediaComponents: { video: { mediaDirection: 'SENDONLY' } } } },
      contentType: 'application/merge-patch+json',
    });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.invalidParams).toEqual(
      expect.arrayContaining([expect.objectContaining({ param: expect.stringMatching(/^\/imsSessionInfo\/mediaComponents\/video/) })]),
    );
  });

  it('answers 403 when the patch changes the calling party', async () => {
    const server = shared;
    const { id } = await created(server);
    const response = await server.request('PATCH', `${SESSIONS}/${id}`, {
      json: { imsSessionInfo: { callingParty: 'tel:+4930999999' } },
      contentType: 'application/merge-patch+json',
    });
    expect(response.status).toBe(403);
    expect((await problemOf(response)).cause).toBe('MODIFICATION_NOT_ALLOWED');
  });

  it('answers 404 for an unknown session', async () => {
    const server = shared;
    const response = await server.request('PATCH', `${SESSIONS}/nope`, {
      json: { notifCorreId: 'x' },
      contentType: 'application/merge-patch+json',
    });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).cause).toBe('SESSION_NOT_FOUND');
  });
});

describe('DELETE /ims-sessions/{sessionId}', () => {
  it('answers 204, after which the session is gone (404)', async () => {
    const server = shared;
    const { id } = await created(server);
    const first = await server.request('DELETE', `${SESSIONS}/${id}`);
    expect(first.status).toBe(204);
    expect(await first.text()).toBe('');
    const second = await server.request('DELETE', `${SESSIONS}/${id}`);
    expect(second.status).toBe(404);
    expect((await problemOf(second)).cause).toBe('SESSION_NOT_FOUND');
  });
});

describe('requests outside the contract', () => {
  it('answers 405 with Allow for a method the resource does not define', async () => {
    const server = shared;
    const { id } = await created(server);
    const response = await server.request('GET', `${SESSIONS}/${id}`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('PUT, DELETE, PATCH');
    expect((await problemOf(response)).cause).toBe('METHOD_NOT_ALLOWED');
  });

  it('answers 404 RESOURCE_URI_STRUCTURE_NOT_FOUND for an unknown path', async () => {
    const server = shared;
    const response = await server.request('POST', '/mmtel-callcontrol/v2/ims-sessions', { json: imsSession() });
    expect(response.status).toBe(404);
    expect((await problemOf(response)).cause).toBe('RESOURCE_URI_STRUCTURE_NOT_FOUND');
  });

  it('answers 501 to the CallEvent pseudo operation, whose target is configured in the server', async () => {
    const server = shared;
    const response = await server.request('POST', '/mmtel-callevent/v1/session-event-subscriptions', { json: {} });
    expect(response.status).toBe(501);
    expect((await problemOf(response)).cause).toBe('NOT_IMPLEMENTED');
  });

  it('fails loudly (500 SYSTEM_FAILURE) when a response would not match the spec', async () => {
    const server = shared;
    const { id } = await created(server);
    const { store } = server.app.mmtel;
    const record = (await store.sessions.getSession(id))!;
    // A server-set attribute no request can change, corrupted behind the API's back.
    await store.sessions.replaceSession({
      ...record,
      session: { ...record.session, imsSessionInfo: { ...record.session.imsSessionInfo, sessionState: 42 as never } },
      version: record.version + 1,
    });
    const response = await server.request('PUT', `${SESSIONS}/${id}`, { json: imsSession() });
    expect(response.status, await response.clone().text()).toBe(500);
    const problem = await problemOf(response);
    expect(problem.cause).toBe('SYSTEM_FAILURE');
    expect(String(problem.detail)).toContain('does not match the spec');
  });
});

describe('operations endpoints', () => {
  it('answers /healthz and /readyz', async () => {
    const server = shared;
    expect((await server.request('GET', '/healthz')).status).toBe(200);
    const ready = await server.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'lmdb' });
  });

  it('exposes Prometheus metrics with request counts and the outbox depth', async () => {
    const server = shared;
    await created(server);
    const text = await (await server.request('GET', '/metrics')).text();
    expect(text).toMatch(/mmtel_http_requests_total\{method="POST",route="\/mmtel-callcontrol\/v1\/ims-sessions",status="201"\} 1/);
    expect(text).toMatch(/mmtel_outbox_depth \d+/);
  });
});
