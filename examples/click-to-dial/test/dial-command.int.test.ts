import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startReferenceServer } from '@mmtel/server';
import { describe, expect, it, onTestFinished } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Runs the dial command as `pnpm dial` does (tsx, the workspace packages from their sources), and collects what a user sees. */
function dial(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@mmtel/source', '--import', 'tsx', MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function referenceServer(): Promise<string> {
  const server = await startReferenceServer({ MMTEL_SIM_SCENARIO: 'answer' });
  onTestFinished(server.close);
  return server.apiRoot;
}

describe('the dial command', { timeout: 60_000 }, () => {
  it('prints each event of an answered call and exits 0 once it is released', async () => {
    const apiRoot = await referenceServer();
    const { code, stdout } = await dial(['sip:alice@example.com', 'tel:+4930123456', '--api-root', apiRoot]);
    expect(stdout).toMatch(/SESSION_ESTABLISHMENT_PROGRESS[\s\S]*SESSION_ESTABLISHMENT_ALERTING[\s\S]*SESSION_ESTABLISHMENT_SUCCESS/);
    expect(stdout).toContain('answered, then released');
    expect(code).toBe(0);
  });

  it('plays the scenario it is given and exits 1 with the SIP cause of a failed call', async () => {
    const apiRoot = await referenceServer();
    const { code, stdout } = await dial(['sip:alice@example.com', 'tel:+4930123456', '--api-root', apiRoot, '--scenario', 'busy']);
    expect(stdout).toContain('SESSION_ESTABLISHMENT_FAILURE');
    expect(stdout).toContain('failed with SIP cause 486');
    expect(code).toBe(1);
  });

  it('names the attribute the server refused when a party is not a SIP or tel URI', async () => {
    const apiRoot = await referenceServer();
    const { code, stderr } = await dial(['alice', 'tel:+4930123456', '--api-root', apiRoot]);
    expect(stderr).toContain('/imsSessionInfo/callingParty');
    expect(code).toBe(1);
  });

  it('shows its usage and exits 2 without two parties', async () => {
    const { code, stderr } = await dial(['sip:alice@example.com']);
    expect(stderr).toContain('usage: dial <callingParty> <calledParty>');
    expect(code).toBe(2);
  });
});
