import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from './app.js';
import { loadConfig } from './config.js';

/** A reference server listening on loopback, as `startReferenceServer` starts it. */
export interface ReferenceServer {
  app: FastifyInstance;
  /** Its {apiRoot}, e.g. `http://127.0.0.1:40123`. */
  apiRoot: string;
  /** Stops it and removes its store. */
  close(): Promise<void>;
}

/** A free loopback port: the apiRoot (used in Location and self) must be known before the build. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts the reference MMTel Enabler Server in this process, on 127.0.0.1 and a free port, with
 * an embedded store in a fresh temporary directory: for an AS's tests, examples and benchmarks.
 * `env` is its configuration (the variables `main.ts` reads); by default scenarios run without
 * delay, notification retries are quick and nothing is logged. `build` holds the hooks only code
 * can give (how AFs are identified, how notification target names resolve).
 */
export async function startReferenceServer(
  env: Record<string, string> = {},
  build: Pick<BuildOptions, 'identify' | 'resolveTarget'> = {},
): Promise<ReferenceServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-reference-'));
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    MMTEL_DATA_DIR: dataDir,
    MMTEL_SIM_STEP_MS: '0',
    MMTEL_NOTIFY_BACKOFF_MS: '10',
    MMTEL_NOTIFY_MAX_BACKOFF_MS: '50',
    LOG_LEVEL: 'silent',
    ...env,
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({ ...build, config, logger: false });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  try {
    await app.listen({ host: '127.0.0.1', port });
  } catch (error) {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    app,
    apiRoot: config.apiRoot,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
