import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendProblem } from '../http/error-handler.js';
import { problem } from '../http/problem.js';
import type { ApiName } from './scopes.js';
import { AuthError } from './auth-error.js';
import type { TokenVerifier } from './token-verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The AF behind the request: it owns the sessions it creates. Set for API requests. */
    afId: string;
  }
}

/** The AF of every API request when transport security is all there is (one shared tenant). */
export const SHARED_TENANT = 'default';

/** How AFs are authenticated: the same for every API scope. */
export interface AuthenticationOptions {
  /** Verifies Bearer tokens (`oauth2` mode); absent in `none` mode. */
  verifier?: TokenVerifier | undefined;
  /** Overrides how an AF is identified in `none` mode. */
  identify?: ((request: FastifyRequest) => string) | undefined;
}

/**
 * Identifies the AF behind every request to the routes of `scope`, which serve `api`, before its
 * body is read. `oauth2` mode: the subject of a valid Bearer token whose scope grants `api`, else
 * 401 (`invalid_token`) or 403 (`insufficient_scope`). `none` mode: the subject of the verified
 * client certificate under mutual TLS, else one shared tenant. Registered in each API's scope
 * (and the notification WebSocket's), so that routes outside them are never authenticated.
 *
 * @see 3GPP TS 29.122 clause 6, IETF RFC 6750 clause 3
 */
export function authenticate(scope: FastifyInstance, api: ApiName, options: AuthenticationOptions): void {
  if (!scope.hasRequestDecorator('afId')) scope.decorateRequest('afId', '');
  const { verifier } = options;
  if (verifier === undefined) {
    const identify = options.identify ?? ((request: FastifyRequest) => clientCertificateSubject(request) ?? SHARED_TENANT);
    // A callback hook: identifying is synchronous, and this runs on every request.
    scope.addHook('onRequest', (request, _reply, done) => {
      request.afId = identify(request);
      done();
    });
    return;
  }
  scope.addHook('onRequest', async (request, reply) => {
    try {
      request.afId = (await verifier.verify(request.headers.authorization, api)).subject;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      const challenge = `Bearer realm="mmtel", error="${error.error}", error_description="${error.description.replace(/["\\]/g, '')}"${error.error === 'insufficient_scope' ? `, scope="${api}"` : ''}`;
      const body =
        error.error === 'insufficient_scope'
          ? problem('REQUEST_NOT_AUTHORIZED', `The access token does not grant ${api}.`)
          : problem('INVALID_TOKEN', `${capitalize(error.description)}.`);
      return sendProblem(reply, body, { 'www-authenticate': challenge });
    }
  });
}

/** `CN=as1,O=Example` of a verified client certificate (mutual TLS), if any. */
function clientCertificateSubject(request: FastifyRequest): string | undefined {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (socket.authorized !== true || typeof socket.getPeerCertificate !== 'function') return undefined;
  const subject = socket.getPeerCertificate().subject as unknown as Record<string, string | string[]> | undefined;
  if (subject === undefined) return undefined;
  return Object.entries(subject)
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(',');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
