import { describe, expect, it } from 'vitest';
import {
  createCallControlClient,
  createCallEventClient,
  formatFeatures,
  hasFeature,
  ImsSessionEvent,
  ImsSessionState,
  MmtelProblemError,
  type FetchLike,
  type ImsSession,
  type ImsSessionInfo,
} from '../../src/index.js';

/** The server the suite's client talks to. */
export interface CallControlSuiteTarget {
  /** Its {apiRoot}; read when the tests run, after the file's set-up. */
  readonly apiRoot: string;
  /**
   * Prism's validation proxy stands between the client and the server. Prism refuses a request
   * the spec forbids before the server sees it, and replaces a 501 from the server with a mocked
   * response, so the tests of the server's answers to those run only without it.
   */
  readonly throughPrism?: boolean;
}

/**
 * The end-to-end suite of the MMTel_CallControl (and CallEvent) client against a running
 * reference server: run directly by call-control.int.test.ts and through Prism by
 * tools/conformance/test/prism-call-control.int.test.ts.
 */
export function describeCallControlClient(server: CallControlSuiteTarget): void {
  const serverOnly = it.skipIf(server.throughPrism === true);

  /** A creation body: `overrides` replace top-level attributes, `info` those of its imsSessionInfo. */
  const session = (overrides: Partial<ImsSession> = {}, info: Partial<ImsSessionInfo> = {}): ImsSession => ({
    afId: 'default',
    imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com', ...info },
    notifUri: 'http://127.0.0.1:9/notify',
    ...overrides,
  });

  const client = () => createCallControlClient({ baseUrl: server.apiRoot, retry: false });

  /** A fetch that records what the client sends before sending it for real. */
  function recordingFetch(): { fetch: FetchLike; sent: Request[] } {
    const sent: Request[] = [];
    return { sent, fetch: (request) => (sent.push(request.clone()), fetch(request)) };
  }

  async function createdId(): Promise<string> {
    const result = await client().createImsSession(session());
    if (result.error) throw new Error(`create failed: ${result.error.status}`);
    return result.data.sessionId;
  }

  describe('createImsSession', () => {
    it('returns the created session, its sessionId and its absolute Location', async () => {
      const result = await client().createImsSession(session());
      expect(result.error).toBeUndefined();
      const { session: created, sessionId, location } = result.data!;
      expect(location).toBe(`${server.apiRoot}/mmtel-callcontrol/v1/ims-sessions/${sessionId}`);
      expect(created).toMatchObject({ self: location, imsSessionInfo: { sessionId, sessionState: ImsSessionState.INITIATING } });
      expect(result.response.status).toBe(201);
    });

    it('returns the negotiated suppFeat, the intersection of both masks', async () => {
      const result = await client().createImsSession(session({ suppFeat: formatFeatures([1, 2, 3]) }));
      const features = result.data?.session.suppFeat;
      expect(features).toBe('3');
      expect([1, 2, 3].map((feature) => hasFeature(features, feature))).toEqual([true, true, false]);
    });

    serverOnly('returns a 400 ProblemDetails with invalidParams for a malformed suppFeat', async () => {
      const result = await client().createImsSession(session({ suppFeat: 'XYZ' }));
      expect(result.data).toBeUndefined();
      expect(result.response.status).toBe(400);
      expect(result.error).toMatchObject({
        status: 400,
        cause: 'OPTIONAL_IE_INCORRECT',
        invalidParams: [expect.objectContaining({ param: '/suppFeat' })],
      });
    });
  });

  describe('updateImsSession', () => {
    it('replaces the session and returns the updated representation', async () => {
      const id = await createdId();
      const result = await client().updateImsSession(id, session({}, { events: [ImsSessionEvent.SESSION_TERMINATION] }));
      expect(result.error).toBeUndefined();
      expect(result.data).toMatchObject({ imsSessionInfo: { sessionId: id, events: ['SESSION_TERMINATION'] } });
    });

    it('returns 403 MODIFICATION_NOT_ALLOWED when the body changes the called party', async () => {
      const id = await createdId();
      const result = await client().updateImsSession(id, session({}, { calledParty: 'sip:carol@example.com' }));
      expect(result.error).toMatchObject({ status: 403, cause: 'MODIFICATION_NOT_ALLOWED' });
    });

    it('returns 404 SESSION_NOT_FOUND for an unknown session', async () => {
      const result = await client().updateImsSession('no-such-session', session());
      expect(result.error).toMatchObject({ status: 404, cause: 'SESSION_NOT_FOUND' });
    });
  });

  describe('modifyImsSession', () => {
    it('sends the patch as application/merge-patch+json and returns the modified session', async () => {
      const id = await createdId();
      const { fetch, sent } = recordingFetch();
      const result = await createCallControlClient({ baseUrl: server.apiRoot, fetch }).modifyImsSession(id, {
        notifCorreId: 'c-1',
        imsSessionInfo: { maxDuration: 60 },
      });
      expect(sent[0]?.headers.get('content-type')).toBe('application/merge-patch+json');
      expect(result.data).toMatchObject({ notifCorreId: 'c-1', imsSessionInfo: { sessionId: id, maxDuration: 60 } });
    });

    it('removes an attribute patched with null', async () => {
      const id = await createdId();
      await client().modifyImsSession(id, { notifCorreId: 'c-1' });
      const result = await client().modifyImsSession(id, { notifCorreId: null });
      expect(result.data).not.toHaveProperty('notifCorreId');
    });

    it('returns 404 SESSION_NOT_FOUND for an unknown session', async () => {
      const result = await client().modifyImsSession('no-such-session', { imsSessionInfo: { maxDuration: 1 } });
      expect(result.error).toMatchObject({ status: 404, cause: 'SESSION_NOT_FOUND' });
    });
  });

  describe('releaseImsSession', () => {
    it('releases the session (204), after which it is unknown (404)', async () => {
      const id = await createdId();
      const released = await client().releaseImsSession(id);
      expect(released.error).toBeUndefined();
      expect(released.response.status).toBe(204);
      const again = await client().releaseImsSession(id);
      expect(again.error).toMatchObject({ status: 404, cause: 'SESSION_NOT_FOUND' });
    });
  });

  describe('throwOnError', () => {
    serverOnly('throws one MmtelProblemError carrying status, cause and invalidParams', async () => {
      const throwing = createCallControlClient({ baseUrl: server.apiRoot, throwOnError: true });
      const error: unknown = await throwing.createImsSession(session({}, { callingParty: 'bob' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MmtelProblemError);
      expect(error).toMatchObject({
        name: 'MmtelProblemError',
        status: 400,
        cause: 'MANDATORY_IE_INCORRECT',
        invalidParams: [expect.objectContaining({ param: '/imsSessionInfo/callingParty' })],
      });
    });

    it('resolves to the data of a successful call', async () => {
      const throwing = createCallControlClient({ baseUrl: server.apiRoot, throwOnError: true });
      const { data } = await throwing.createImsSession(session());
      await expect(throwing.releaseImsSession(data.sessionId)).resolves.toMatchObject({ data: undefined });
    });

    it('applies to the raw openapi-fetch methods too', async () => {
      const throwing = createCallControlClient({ baseUrl: server.apiRoot, throwOnError: true });
      await expect(throwing.DELETE('/ims-sessions/{sessionId}', { params: { path: { sessionId: 'gone' } } })).rejects.toMatchObject({
        status: 404,
        cause: 'SESSION_NOT_FOUND',
      });
    });
  });

  describe('the openapi-fetch client', () => {
    it('exposes the generated paths, with the middleware applied', async () => {
      const seen: string[] = [];
      const raw = client();
      raw.use({ onRequest: ({ schemaPath }) => void seen.push(schemaPath) });
      const { data, response } = await raw.POST('/ims-sessions', { body: session() });
      expect(response.status).toBe(201);
      expect(data?.imsSessionInfo.sessionState).toBe('INITIATING');
      expect(seen).toEqual(['/ims-sessions']);
    });

    it('sends a raw PATCH as a JSON Merge Patch', async () => {
      const id = await createdId();
      const { data } = await client().PATCH('/ims-sessions/{sessionId}', {
        params: { path: { sessionId: id } },
        body: { imsSessionInfo: { maxDuration: 9 } },
      });
      expect(data?.imsSessionInfo.maxDuration).toBe(9);
    });
  });

  describe('createCallEventClient', () => {
    serverOnly('returns the 501 ProblemDetails of the pseudo operation, whose target the server configures', async () => {
      const result = await createCallEventClient({ baseUrl: server.apiRoot }).subscribe({});
      expect(result.error).toMatchObject({ status: 501, cause: 'NOT_IMPLEMENTED' });
    });
  });
}
