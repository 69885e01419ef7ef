import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, loadConfig } from '@mmtel/server';
import { afterAll, beforeAll } from 'vitest';

/** The reference server of this repository, listening on loopback with an embedded store of its own. */
export interface ReferenceServer {
  /** The server's {apiRoot}, e.g. http://127.0.0.1:40123. */
  apiRoot: string;
}

/**
 * Starts the reference server in-process before the tests of a file and stops it after them.
 * The simulator stays silent, so sessions only change when a test changes them.
 */
export function useReferenceServer(env: Record<string, string> = {}): ReferenceServer {
  const server: ReferenceServer = { apiRoot: '' };
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-client-'));
    const port = await freePort();
    // No overload shedding: a loaded test machine stalls the event loop past its threshold and
    // the server would answer 503, which is not what these tests are about.
    const config = loadConfig({
      PORT: String(port),
      MMTEL_DATA_DIR: dataDir,
      MMTEL_SIM_SCENARIO: 'silent',
      MMTEL_SIM_STEP_MS: '0',
      LOG_LEVEL: 'silent',
      MMTEL_OVERLOAD_PROTECTION: 'false',
      ...env,
    });
    const app = await buildApp({ config, logger: false });
    await app.listen({ host: '127.0.0.1', port });
    server.apiRoot = config.apiRoot;
    stop = async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    };
  });
  afterAll(async () => stop?.());
  return server;
}

/** A free loopback port: the server's apiRoot must be known before it is built. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}
