import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, loadConfig } from '@mmtel/server';
import { onTestFinished } from 'vitest';

/** The real reference MMTel Enabler Server, in process on loopback. */
export interface ReferenceServer {
  /** The server's {apiRoot}, e.g. http://127.0.0.1:40123. */
  apiRoot: string;
  /** Sends `json` (if any) to `apiRoot + path`. */
  request(method: string, path: string, options?: { json?: unknown; headers?: Record<string, string> }): Promise<Response>;
}

export const SESSIONS = '/mmtel-callcontrol/v1/ims-sessions';

/** A free loopback port: the server's apiRoot must be known before it is built. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts the reference server with its embedded store in a temporary directory, scenarios
 * without delay (MMTEL_SIM_STEP_MS=0), and stops it when the test ends. `env` adds to that.
 */
export async function startReferenceServer(env: Record<string, string> = {}): Promise<ReferenceServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-receiver-e2e-'));
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    MMTEL_DATA_DIR: dataDir,
    MMTEL_SIM_STEP_MS: '0',
    MMTEL_SIM_SCENARIO: 'silent',
    MMTEL_NOTIFY_BACKOFF_MS: '10',
    MMTEL_NOTIFY_MAX_BACKOFF_MS: '50',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const app = await buildApp({ config, logger: false });
  onTestFinished(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  await app.listen({ host: '127.0.0.1', port });
  return {
    apiRoot: config.apiRoot,
    request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.json !== undefined) headers['content-type'] = 'application/json';
      return fetch(config.apiRoot + path, { method, headers, ...(options.json !== undefined && { body: JSON.stringify(options.json) }) });
    },
  };
}
