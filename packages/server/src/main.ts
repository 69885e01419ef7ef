#!/usr/bin/env node
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type ServerConfig } from './config.js';
import { publishedSpecs, siteMap } from './docs-site/index.js';
import { logStyle } from './logging.js';
import { startBanner, startFacts } from './start-banner.js';
import { explainStartFailure } from './start-failure.js';

/** Starts the reference server: the only module that listens. */
async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) stop(error.message, 2);
    throw error;
  }
  try {
    await start(config);
  } catch (error) {
    const explained = explainStartFailure(error, config);
    if (explained !== undefined) stop(explained, 1);
    throw error;
  }
}

async function start(config: ServerConfig): Promise<void> {
  const app = await buildApp({ config, logStyle: logStyle(config, process.stdout.isTTY === true) });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining requests, keeping queued notifications');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  const address = app.server.address();
  const listening = typeof address === 'object' && address !== null ? `${address.address}:${address.port}` : String(address);
  const facts = startFacts(config, siteMap(config, publishedSpecs({ simulator: config.simulator.enabled })), listening);
  app.log.info({ start: facts, line: startBanner(facts) }, 'MMTel Enabler Server ready');
}

/** Ends the process with one line on stderr (no stack: the line says what to change). */
function stop(line: string, exitCode: number): never {
  process.stderr.write(`mmtel-server: ${line}\n`);
  process.exit(exitCode);
}

main().catch((error: unknown) => {
  process.stderr.write(`mmtel-server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
