import { spawn } from 'node:child_process';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianTool } from '@mmtel/toolchain';
import { untilPortTaken } from './sipp.js';

const CONFIG = fileURLToPath(new URL('../kamailio/stateful-proxy.cfg', import.meta.url));

/** The port test/sip/kamailio/stateful-proxy.cfg listens on (UDP and TCP, 127.0.0.1). */
export const KAMAILIO_PORT = 25400;

/** Kamailio, from Debian's kamailio package: found, else installed (apt-get, under a lock). */
export async function ensureKamailio(): Promise<string> {
  return ensureDebianTool({
    package: 'kamailio',
    find: async () =>
      access('/usr/sbin/kamailio', constants.X_OK).then(
        () => '/usr/sbin/kamailio',
        () => undefined,
      ),
    missing: 'Kamailio is missing: install the Debian package kamailio (apt-get install kamailio).',
  });
}

/** A running Kamailio with the test's stateful-proxy configuration; `stop` ends it by its PID. */
export interface Kamailio {
  output(): string;
  stop(): Promise<void>;
}

/** Starts Kamailio in the foreground (-DD, logs on stderr) and waits until its UDP port is bound. */
export async function startKamailio(kamailioPath: string): Promise<Kamailio> {
  const runtimeDir = await mkdtemp(join(tmpdir(), 'mmtel-kamailio-'));
  const child = spawn(kamailioPath, ['-f', CONFIG, '-DD', '-E', '-m', '64', '-M', '8', '-Y', runtimeDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      // SIGTERM: Kamailio's main process ends its worker processes, then itself.
      process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(runtimeDir, { recursive: true, force: true });
  };
  try {
    await untilPortTaken(
      KAMAILIO_PORT,
      'udp',
      exited.then(() => -1),
      () => output.slice(-2000),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { output: () => output, stop };
}
