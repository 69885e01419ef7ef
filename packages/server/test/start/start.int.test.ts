import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { closedPort } from '../notifications/support.js';
import { freePort } from '../support/server.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** `src/main.ts` run as users run it, its output kept; killed when the test ends. */
async function runMain(env: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-start-'));
  const child = spawn(process.execPath, ['--import', tsxLoader, 'src/main.ts'], {
    cwd: packageDir,
    env: { ...process.env, MMTEL_DATA_DIR: dataDir, MMTEL_SIM_STEP_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  });
  return {
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitFor(text: string | RegExp, timeoutMs = 40_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      const found = () => (typeof text === 'string' ? stdout.includes(text) : text.test(stdout));
      while (!found()) {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${stdout}${stderr}`);
        if (Date.now() > until) throw new Error(`"${String(text)}" not logged:\n${stdout}${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

/** An AS that answers every notification 204. */
async function startAs(): Promise<string> {
  const as = createServer((request, response) => request.resume().on('end', () => response.writeHead(204).end()));
  await new Promise<void>((resolve) => as.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => as.close(() => resolve())));
  return `http://127.0.0.1:${(as.address() as { port: number }).port}`;
}

// Spawning a server takes 7–18 s on a loaded 2-core machine.
describe('the start of the reference server', { timeout: 90_000 }, () => {
  it('shows the banner, one line per request and one per delivered notification in the readable style', async () => {
    const port = await freePort();
    const server = await runMain({ PORT: String(port), MMTEL_LOG_FORMAT: 'pretty', LOG_LEVEL: 'info' });
    await server.waitFor('MMTel Enabler Server listening on');
    const as = await startAs();
    const created = await fetch(`http://127.0.0.1:${port}/mmtel-callcontrol/v1/ims-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        afId: 'af1',
        imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
        notifUri: `${as}/ims-session-notification`,
      }),
    });
    expect(created.status).toBe(201);
    await server.waitFor('204 delivered');

    const lines = server.stdout().split('\n');
    const banner = lines.slice(lines.findIndex((line) => line.includes('MMTel Enabler Server listening on')));
    expect(banner.slice(1, 11).map((line) => line.trim().split(/\s{2,}/)[0])).toEqual([
      'MMTel_CallControl',
      'MMTel_CallEvent',
      'Simulator (not 3GPP)',
      'Docs',
      'Specs',
      'Metrics',
      'Auth',
      'Store',
      'Profile',
      'Features',
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/INFO: POST \/mmtel-callcontrol\/v1\/ims-sessions → 201 \(\d+ ms\)$/));
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`INFO: imsSessionNotification → ${as}/ims-session-notification: 204 delivered \\(attempt 1, \\d+ ms\\)$`),
      ),
    );
    expect(lines.filter((line) => line.includes('incoming request'))).toEqual([]);
  });

  it('logs JSON when the output is not a terminal, the start facts as fields', async () => {
    const port = await freePort();
    const server = await runMain({ PORT: String(port), LOG_LEVEL: 'info' });
    await server.waitFor('MMTel Enabler Server ready');
    const ready = server
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; start?: { apis: Record<string, string>; profile: string } })
      .find((line) => line.msg === 'MMTel Enabler Server ready');
    expect(ready?.start?.apis['MMTel_CallControl']).toBe(`http://127.0.0.1:${port}/mmtel-callcontrol/v1`);
    expect(ready?.start?.profile).toBe('development');
  });

  it('stops with one line naming PORT when the port is in use', async () => {
    const taken = createTcpServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as { port: number }).port;
    const server = await runMain({ PORT: String(port) });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toBe(
      `mmtel-server: PORT=${port} is in use (127.0.0.1:${port}): another process listens there. Stop it, or set PORT to a free port (PORT=0 picks one).\n`,
    );
  });

  it('stops with one line naming DATABASE_URL, its password hidden, when PostgreSQL does not answer', async () => {
    const port = await closedPort();
    const server = await runMain({ PORT: String(await freePort()), DATABASE_URL: `postgres://mmtel:s3cret@127.0.0.1:${port}/mmtel` });
    expect(await server.exited).toBe(1);
    const stderr = server.stderr();
    expect(stderr.split('\n')).toHaveLength(2);
    expect(stderr).toMatch(
      new RegExp(
        `^mmtel-server: DATABASE_URL=postgres://mmtel:\\*\\*\\*@127\\.0\\.0\\.1:${port}/mmtel: PostgreSQL cannot be used \\(.*ECONNREFUSED`,
      ),
    );
    expect(stderr).not.toContain('s3cret');
  });
});
