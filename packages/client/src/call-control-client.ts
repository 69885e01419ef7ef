import type { CallControl } from '@mmtel/types';
import type { Middleware } from 'openapi-fetch';
import { createTransport, type CallOptions, type MmtelClientOptions, type Outcome } from './client-options.js';
import { apiUrl, CALL_CONTROL_API, createCallControlFetchClient, type CallControlFetchClient } from './generated/clients.gen.js';
import { markMergePatch } from './merge-patch.js';
import { failure, settle } from './settle.js';

/** An Individual IMS Session resource. */
export type ImsSession = CallControl.components['schemas']['ImsSession'];
/** The IMS session itself inside an ImsSession (its parties, media, events, identifier and state). */
export type ImsSessionInfo = CallControl.components['schemas']['ImsSessionInfo'];
/** The JSON Merge Patch of an Individual IMS Session. */
export type ImsSessionPatch = CallControl.components['schemas']['ImsSessionPatch'];

/** A created IMS session: its representation, its identifier and its URI (`Location`). */
export interface CreatedImsSession {
  session: ImsSession;
  sessionId: string;
  /** The absolute URI of the Individual IMS Session resource. */
  location: string;
}

/** The typed operations of MMTel_CallControl, named after their operationIds. */
export interface CallControlOperations<ThrowOnError extends boolean = false> {
  /**
   * Creates an IMS session (POST /ims-sessions).
   *
   * @see 3GPP TS 29.392 clause 6.4.3.2.3.1
   */
  createImsSession(body: ImsSession, options?: CallOptions): Promise<Outcome<CreatedImsSession, ThrowOnError>>;
  /**
   * Replaces an IMS session (PUT); `data` is the updated session, undefined after a 204.
   *
   * @see 3GPP TS 29.392 clause 6.4.3.3.3.1
   */
  updateImsSession(sessionId: string, body: ImsSession, options?: CallOptions): Promise<Outcome<ImsSession | undefined, ThrowOnError>>;
  /**
   * Modifies an IMS session with a JSON Merge Patch (PATCH, `application/merge-patch+json`);
   * `data` is the modified session, undefined after a 204.
   *
   * @see 3GPP TS 29.392 clause 6.4.3.3.3.2
   */
  modifyImsSession(
    sessionId: string,
    patch: ImsSessionPatch,
    options?: CallOptions,
  ): Promise<Outcome<ImsSession | undefined, ThrowOnError>>;
  /**
   * Releases an IMS session (DELETE).
   *
   * @see 3GPP TS 29.392 clause 6.4.3.3.3.3
   */
  releaseImsSession(sessionId: string, options?: CallOptions): Promise<Outcome<undefined, ThrowOnError>>;
  /**
   * The URI the client uses for a session: `{baseUrl}/mmtel-callcontrol/v1/ims-sessions/{id}`,
   * or where a 308 has moved it.
   *
   * @see 3GPP TS 29.122 clause 5.2.10
   */
  sessionUri(sessionId: string): string;
}

/**
 * A MMTel_CallControl client: the openapi-fetch client (`POST`, `PUT`, …, `use`) bound to the
 * generated paths, plus the typed operations.
 */
export type CallControlClient<ThrowOnError extends boolean = false> = CallControlFetchClient & CallControlOperations<ThrowOnError>;

/** Creates a MMTel_CallControl client whose operations throw a `MmtelProblemError` for a 4xx/5xx. */
export function createCallControlClient(options: MmtelClientOptions & { throwOnError: true }): CallControlClient<true>;
/** Creates a MMTel_CallControl client; `baseUrl` is the server's {apiRoot}. */
export function createCallControlClient(options: MmtelClientOptions): CallControlClient;
export function createCallControlClient(options: MmtelClientOptions): CallControlClient<boolean> {
  const transport = createTransport(options, apiUrl(options.baseUrl, CALL_CONTROL_API.basePath));
  const client = createCallControlFetchClient({
    apiRoot: options.baseUrl,
    fetch: transport.fetch,
    Request: transport.Request,
    redirect: 'manual',
    ...(options.headers !== undefined && { headers: options.headers }),
  });
  client.use(mergePatchBodies, ...transport.middleware);
  const base = apiUrl(options.baseUrl, CALL_CONTROL_API.basePath);
  const path = (sessionId: string) => ({ path: { sessionId } });
  // What openapi-fetch's path serializer makes of /ims-sessions/{sessionId}.
  const sessionPath = (sessionId: string) => `/ims-sessions/${encodeURIComponent(sessionId)}`;

  return {
    ...client,
    use(...middleware) {
      client.use(...middleware);
      for (const installed of middleware) transport.callerMiddleware.add(installed);
    },
    eject(...middleware) {
      client.eject(...middleware);
      for (const ejected of middleware) transport.callerMiddleware.delete(ejected);
    },
    async createImsSession(body, options = {}) {
      const result = await transport.typedCall({ method: 'POST', path: '/ims-sessions', body, options }, () =>
        client.POST('/ims-sessions', { body, ...options }),
      );
      if (!result.response.ok || result.data === undefined) return failure(result);
      const { data: session, response } = result;
      const given = response.headers.get('location') ?? session.self ?? '';
      // An absolute URI needs no base (response.url serializes the URL of the answer every call).
      const location = (ABSOLUTE_HTTP.test(given) ? new URL(given) : new URL(given, response.url || base)).href;
      const sessionId = session.imsSessionInfo.sessionId ?? decodeURIComponent(location.slice(location.lastIndexOf('/') + 1));
      return { data: { session, sessionId, location }, response };
    },
    async updateImsSession(sessionId, body, options = {}) {
      return settle(
        await transport.typedCall({ method: 'PUT', path: sessionPath(sessionId), body, options }, () =>
          client.PUT('/ims-sessions/{sessionId}', { params: path(sessionId), body, ...options }),
        ),
      );
    },
    async modifyImsSession(sessionId, patch, options = {}) {
      return settle(
        await transport.typedCall({ method: 'PATCH', path: sessionPath(sessionId), body: patch, options }, () =>
          client.PATCH('/ims-sessions/{sessionId}', { params: path(sessionId), body: patch, ...options }),
        ),
      );
    },
    async releaseImsSession(sessionId, options = {}) {
      return settle(
        await transport.typedCall({ method: 'DELETE', path: sessionPath(sessionId), options }, () =>
          client.DELETE('/ims-sessions/{sessionId}', { params: path(sessionId), ...options }),
        ),
      );
    },
    sessionUri(sessionId) {
      return transport.redirects.resolve(`${base}/ims-sessions/${encodeURIComponent(sessionId)}`);
    },
  };
}

// An http(s) URI with an authority, which a base cannot change (`http:x` alone is relative to one).
const ABSOLUTE_HTTP = /^https?:\/\//i;

/** The merge-patch content type on the openapi-fetch client's own PATCH requests (raw calls included). */
const mergePatchBodies: Middleware = {
  onRequest({ request }) {
    markMergePatch(request.method, request.headers);
    return undefined;
  },
};
