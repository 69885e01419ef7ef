import { createCallControlClient } from '@mmtel/client';
import { describe, expect, it } from 'vitest';
import { referenceServer, runCli, startCli } from './support/cli.js';

const PARTIES = ['sip:alice@example.com', 'tel:+4930123456'];

describe('mmtel call', () => {
  it('prints each event of an answered call as it arrives and exits 0 once the call is released', async () => {
    const apiRoot = await referenceServer();
    const { code, stdout } = await runCli(['call', ...PARTIES, '--api-root', apiRoot]);
    expect(stdout).toMatch(
      /session \S+ created[\s\S]*SESSION_ESTABLISHMENT_PROGRESS[\s\S]*SESSION_ESTABLISHMENT_ALERTING[\s\S]*SESSION_ESTABLISHMENT_SUCCESS/,
    );
    expect(stdout).toContain('answered, then released');
    expect(code).toBe(0);
  });

  it('takes the server from MMTEL_API_ROOT', async () => {
    const apiRoot = await referenceServer();
    const { code, stdout } = await runCli(['call', ...PARTIES], { MMTEL_API_ROOT: apiRoot });
    expect(stdout).toContain(`through ${apiRoot}`);
    expect(code).toBe(0);
  });

  it('plays the scenario it is given and exits 1 with the SIP cause of a failed call', async () => {
    const apiRoot = await referenceServer();
    const { code, stdout } = await runCli(['call', ...PARTIES, '--api-root', apiRoot, '--scenario', 'busy']);
    expect(stdout).toContain('SESSION_ESTABLISHMENT_FAILURE  cause 486');
    expect(stdout).toContain('failed with SIP cause 486');
    expect(code).toBe(1);
  });

  it('names the attribute the server refused and exits 1 when a party is not a SIP or tel URI', async () => {
    const apiRoot = await referenceServer();
    const { code, stderr } = await runCli(['call', 'alice', PARTIES[1]!, '--api-root', apiRoot]);
    expect(stderr).toContain('400 MANDATORY_IE_INCORRECT');
    expect(stderr).toContain('/imsSessionInfo/callingParty');
    expect(code).toBe(1);
  });

  it('releases the session on Ctrl-C before the call is answered and exits 130', async () => {
    const apiRoot = await referenceServer();
    const call = startCli(['call', ...PARTIES, '--api-root', apiRoot, '--scenario', 'silent']);
    const [, sessionId] = await call.waitFor(/session (\S+) created/);
    call.child.kill('SIGINT');
    const { code, stdout } = await call.exited;
    expect(stdout).toContain('interrupted: releasing the session');
    expect(code).toBe(130);
    // Released: the server no longer knows the session.
    const mmtel = createCallControlClient({ baseUrl: apiRoot });
    expect((await mmtel.releaseImsSession(sessionId!)).error).toMatchObject({ status: 404, cause: 'SESSION_NOT_FOUND' });
  });

  it('holds an answered call with --hold until the remote party hangs up', async () => {
    const apiRoot = await referenceServer({ MMTEL_SIM_STEP_MS: '200' });
    const { code, stdout } = await runCli(['call', ...PARTIES, '--api-root', apiRoot, '--scenario', 'remote-release', '--hold']);
    expect(stdout).toMatch(/SESSION_ESTABLISHMENT_SUCCESS[\s\S]*holding the call[\s\S]*SESSION_TERMINATION/);
    expect(stdout).toContain('answered, then released by the remote party (cause BYE)');
    expect(code).toBe(0);
  });

  it('prints one JSON object per line with --json: created, each report, released, outcome', async () => {
    const apiRoot = await referenceServer();
    const { code, stdout } = await runCli(['call', ...PARTIES, '--api-root', apiRoot, '--json']);
    const records = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; event?: string; outcome?: string });
    expect(records.map((record) => record.event ?? record.kind)).toEqual([
      'created',
      'SESSION_ESTABLISHMENT_PROGRESS',
      'SESSION_ESTABLISHMENT_ALERTING',
      'SESSION_ESTABLISHMENT_SUCCESS',
      'released',
      'outcome',
    ]);
    expect(records.at(-1)).toMatchObject({ outcome: 'answered' });
    expect(code).toBe(0);
  });

  it('prints plain text when piped, and colours with FORCE_COLOR', async () => {
    const apiRoot = await referenceServer();
    const plain = await runCli(['call', ...PARTIES, '--api-root', apiRoot]);
    expect(plain.stdout).not.toContain('\u001b[');
    const coloured = await runCli(['call', ...PARTIES, '--api-root', apiRoot], { FORCE_COLOR: '1' });
    expect(coloured.stdout).toContain('\u001b[32mSESSION_ESTABLISHMENT_SUCCESS');
  });

  it('shows its usage and exits 2 without two parties', async () => {
    const { code, stderr } = await runCli(['call', 'sip:alice@example.com']);
    expect(stderr).toContain("missing required argument 'calledParty'");
    expect(stderr).toContain('mmtel --help');
    expect(code).toBe(2);
  });
});
