import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '@mmtel/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from './support/cli.js';

const serverPackage = new URL('../../server/', import.meta.url).pathname;

// `mmtel server` runs the server's compiled bin: built here as `pnpm start` builds it (no declarations).
beforeAll(async () => {
  await promisify(execFile)(`${serverPackage}node_modules/.bin/tsup`, ['--silent'], {
    cwd: serverPackage,
    env: { ...process.env, DECLARATIONS: 'off' },
  });
}, 120_000);

describe('mmtel server', () => {
  it('starts the reference server with each option as the variable of that name, and stops on SIGTERM', async () => {
    const port = await freePort();
    const server = startCli(['server', '--port', String(port), '--sim-scenario', 'busy', '--json']);
    await server.waitFor(/MMTel Enabler Server ready/, 60_000);
    const scenarios = (await (await fetch(`http://127.0.0.1:${port}/sim/v1/scenarios`)).json()) as { defaultScenario: string };
    expect(scenarios.defaultScenario).toBe('busy');
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it("shows the server's own message for an unknown variable and exits non-zero", async () => {
    const { code, stderr, stdout } = await runCli(['server', '--sim-scenari', 'busy']);
    expect(`${stdout}${stderr}`).toContain('MMTEL_SIM_SCENARI');
    expect(`${stdout}${stderr}`).toContain('MMTEL_SIM_SCENARIO');
    expect(code).not.toBe(0);
  });
});
