import { startReferenceServer as startServer } from '@mmtel/server';
import { onTestFinished } from 'vitest';

/** The real reference MMTel Enabler Server, in process on loopback. */
export interface ReferenceServer {
  /** The server's {apiRoot}, e.g. http://127.0.0.1:40123. */
  apiRoot: string;
  /** Sends `json` (if any) to `apiRoot + path`. */
  request(method: string, path: string, options?: { json?: unknown; headers?: Record<string, string> }): Promise<Response>;
}

export const SESSIONS = '/mmtel-callcontrol/v1/ims-sessions';

/**
 * Starts the reference server with its embedded store in a temporary directory, scenarios
 * without delay (MMTEL_SIM_STEP_MS=0), and stops it when the test ends. `env` adds to that.
 */
export async function startReferenceServer(env: Record<string, string> = {}): Promise<ReferenceServer> {
  const server = await startServer({ MMTEL_SIM_SCENARIO: 'silent', ...env });
  onTestFinished(server.close);
  const { apiRoot } = server;
  return {
    apiRoot,
    request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.json !== undefined) headers['content-type'] = 'application/json';
      return fetch(apiRoot + path, { method, headers, ...(options.json !== undefined && { body: JSON.stringify(options.json) }) });
    },
  };
}
