import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import type { BuildOptions } from '../../src/app.js';
import { startReferenceServer } from '../../src/reference-server.js';

export { freePort } from '../../src/reference-server.js';

/** The build options only code can give. */
export type BuildHooks = Pick<BuildOptions, 'identify' | 'resolveTarget'>;

/** A reference server listening on loopback with an embedded store of its own. */
export interface RunningServer {
  app: FastifyInstance;
  /** The server's {apiRoot}, e.g. http://127.0.0.1:40123. */
  apiRoot: string;
  /** `fetch` relative to apiRoot. */
  request(
    method: string,
    path: string,
    options?: { json?: unknown; body?: string; contentType?: string; headers?: Record<string, string> },
  ): Promise<Response>;
}

/** Starts a server for one test, closed when the test ends. */
export async function startServer(env: Record<string, string> = {}, build: BuildHooks = {}): Promise<RunningServer> {
  const { server, close } = await launch(env, build);
  onTestFinished(close);
  return server;
}

/**
 * One server for all the tests of a file (each test works on its own sessions), started before
 * them and closed after them.
 */
export function useServer(env: Record<string, string> = {}, build: BuildHooks = {}): RunningServer {
  const shared = {} as RunningServer;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const launched = await launch(env, build);
    Object.assign(shared, launched.server);
    close = launched.close;
  });
  afterAll(async () => close?.());
  return shared;
}

/**
 * Builds and starts a server. `env` is its environment: the defaults keep notifications and the
 * simulator fast (no delays, tiny backoff).
 */
async function launch(env: Record<string, string>, build: BuildHooks): Promise<{ server: RunningServer; close: () => Promise<void> }> {
  const { app, apiRoot, close } = await startReferenceServer(
    { MMTEL_SIM_SCENARIO: 'silent', MMTEL_NOTIFY_TIMEOUT_MS: '1000', ...env },
    build,
  );
  const server: RunningServer = {
    app,
    apiRoot,
    request(method, path, options = {}) {
      const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
      const headers: Record<string, string> = { ...options.headers };
      if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
      return fetch(apiRoot + path, { method, headers, ...(body !== undefined && { body }) });
    },
  };
  return { server, close };
}

/**
 * A valid ImsSession creation body: `overrides` replace its top-level attributes, `info` those of
 * its imsSessionInfo (the call itself).
 */
export function imsSession(overrides: Record<string, unknown> = {}, info: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    afId: 'default',
    imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com', ...info },
    notifUri: 'http://127.0.0.1:9/notify',
    ...overrides,
  };
}

/** The sessionId of an ImsSession the server answered with. */
export function sessionIdOf(session: unknown): string {
  return String((session as { imsSessionInfo?: { sessionId?: unknown } }).imsSessionInfo?.sessionId);
}

export const SESSIONS = '/mmtel-callcontrol/v1/ims-sessions';
