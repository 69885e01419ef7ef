import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
// The server runs in this very process (`node --import tsx`), not under the tsx CLI, which would
// put it in a grandchild that a SIGKILL of the child leaves running.
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** A reference server running as its own process (`src/main.ts`), as users run it. */
export interface ServerProcess {
  apiRoot: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr. */
  output(): string;
  /** SIGKILL: no shutdown hook runs. */
  kill(): Promise<void>;
}

/**
 * Starts `src/main.ts` with `env` and waits until /readyz answers 200; killed when the test ends,
 * or handed to `onFinished` (for a server started in `beforeAll`, where no test is running).
 */
export async function spawnServer(
  env: Record<string, string>,
  onFinished: (kill: () => Promise<void>) => void = onTestFinished,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', tsxLoader, 'src/main.ts'], {
    cwd: packageDir,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  onFinished(kill);
  const apiRoot = `http://127.0.0.1:${env.PORT}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${apiRoot}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > until) throw new Error(`server not ready after 30 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { apiRoot, child, output: () => output, kill };
}

/** One notification as an AS on a fixed port received it. */
export interface Caught {
  path: string;
  body: Record<string, unknown>;
}

/** An AS receiver on a given loopback port (the port the server was told about before it listened). */
export async function listenOn(port: number): Promise<{ caught: Caught[]; server: Server }> {
  const caught: Caught[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      caught.push({ path: req.url ?? '/', body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { caught, server };
}

/** Polls `check` until it holds or `ms` pass. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
