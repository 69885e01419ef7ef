import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { freePort } from '@mmtel/server';
import { parse } from 'yaml';

/** Where the IMS sessions live: the URL prefix of the CallControl API. */
import { CALL_CONTROL_BASE_PATH } from '../../../../packages/server/bench/support/run-load.js';

const SPEC_URL = new URL('../../../../specs/bundled/TS29392_MMTel_CallControl.bundled.yaml', import.meta.url);

type Spec = Record<string, unknown> & { components?: Record<string, unknown> };

/**
 * The bundled CallControl spec as express-openapi-validator can take it, with the same meaning:
 * served from the API's base path (the `{apiRoot}` variable names no path), without the security
 * schemes (the reference server applies none from the spec either), and with patterns that
 * Unicode-mode regular expressions accept. express-openapi-validator compiles patterns with
 * Ajv's default `unicodeRegExp: true`, which rejects the identity escapes of the 3GPP
 * ImsPublicId pattern (`\:`, `\@`); without the backslash those characters mean the same.
 */
export function expressPeerSpec(): Spec {
  const spec = parse(readFileSync(SPEC_URL, 'utf8')) as Spec;
  const { security: _security, servers: _servers, components = {}, ...rest } = spec;
  const { securitySchemes: _schemes, ...otherComponents } = components;
  return unicodePatterns({ ...rest, servers: [{ url: CALL_CONTROL_BASE_PATH }], components: otherComponents }) as Spec;
}

/** Drops the backslash of identity escapes that Unicode mode rejects (`\:` → `:`), everywhere under `value`. */
function unicodePatterns(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unicodePatterns);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === 'pattern' && typeof inner === 'string' ? inner.replace(/\\([^\w\s^$\\.*+?()[\]{}|/-])/g, '$1') : unicodePatterns(inner),
    ]),
  );
}

/**
 * The peer the reference server is compared with: the same contract served the way an Express
 * shop would serve it, Express 5 with express-openapi-validator validating every request against
 * the bundled CallControl spec, and a Map for sessions (no persistence). It behaves as the
 * server does for the benchmark's requests: 201 with the session and its URI in Location, 204 on
 * release, 404 for an unknown session, and a ProblemDetails for an invalid request.
 */
export function buildExpressPeer(apiRoot: string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.json({ type: ['application/json', 'application/merge-patch+json'] }));
  app.use(
    OpenApiValidator.middleware({
      apiSpec: expressPeerSpec() as never,
      validateRequests: { allErrors: true, coerceTypes: false, removeAdditional: false },
      validateResponses: false,
      validateSecurity: false,
      validateApiSpec: false,
    }),
  );

  const sessions = new Map<string, Record<string, unknown>>();
  app.post(`${CALL_CONTROL_BASE_PATH}/ims-sessions`, (request: Request, response: Response) => {
    const sessionId = randomUUID();
    const self = `${apiRoot}${CALL_CONTROL_BASE_PATH}/ims-sessions/${sessionId}`;
    const body = request.body as { imsSessionInfo: Record<string, unknown> };
    const session = { ...body, imsSessionInfo: { ...body.imsSessionInfo, sessionId, sessionState: 'INITIATING' }, self };
    sessions.set(sessionId, session);
    response.status(201).location(self).json(session);
  });
  app.delete(`${CALL_CONTROL_BASE_PATH}/ims-sessions/:sessionId`, (request: Request<{ sessionId: string }>, response: Response) => {
    response.status(sessions.delete(request.params.sessionId) ? 204 : 404).end();
  });
  app.use(
    (error: { status?: number; message?: string; errors?: unknown[] }, _request: Request, response: Response, _next: NextFunction) => {
      const status = error.status ?? 500;
      response
        .status(status)
        .type('application/problem+json')
        .send(JSON.stringify({ status, title: error.message ?? 'error', invalidParams: error.errors }));
    },
  );
  return app;
}

/** Starts the Express peer on loopback and a free port. */
export async function startExpressPeer(): Promise<{ origin: string; close(): Promise<void> }> {
  // The apiRoot goes into Location, so the port must be known before the routes are built.
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const app = buildExpressPeer(origin);
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  return {
    origin,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
