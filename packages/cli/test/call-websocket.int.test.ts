import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { referenceServer, runCli } from './support/cli.js';

const PARTIES = ['sip:alice@example.com', 'tel:+4930123456'];
// The first event 500 ms after the 201 (the server's default step; a real network takes a moment):
// time for the socket to open, so that every event has it to come over (before, the server POSTs).
const NETWORK = { MMTEL_SIM_STEP_MS: '500' };

/** The JSON records `mmtel call --json` printed. */
function records(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('mmtel call --websocket', () => {
  it('receives every event of an answered call over the WebSocket the server offers', async () => {
    const apiRoot = await referenceServer(NETWORK);
    const { code, stdout, stderr } = await runCli(['call', ...PARTIES, '--api-root', apiRoot, '--websocket', '--json']);
    expect(code, stderr).toBe(0);
    const printed = records(stdout);
    const created = printed.find((record) => record['kind'] === 'created');
    expect(printed.find((record) => record['kind'] === 'websocket')).toEqual({
      kind: 'websocket',
      offered: true,
      websocketUri: `${apiRoot.replace(/^http/, 'ws')}/mmtel-callcontrol/v1/notification-websockets/${String(created?.['sessionId'])}`,
    });
    expect(printed.filter((record) => record['kind'] === 'report').map((record) => [record['event'], record['via']])).toEqual([
      ['SESSION_ESTABLISHMENT_PROGRESS', 'websocket'],
      ['SESSION_ESTABLISHMENT_ALERTING', 'websocket'],
      ['SESSION_ESTABLISHMENT_SUCCESS', 'websocket'],
    ]);
    expect(printed.at(-1)).toMatchObject({ kind: 'outcome', outcome: 'answered' });
  });

  it('says where the notifications come from, and marks each event with how it came', async () => {
    const apiRoot = await referenceServer(NETWORK);
    const { code, stdout } = await runCli(['call', ...PARTIES, '--api-root', apiRoot, '--websocket']);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /notifications over the WebSocket ws:\/\/127\.0\.0\.1:\d+\/mmtel-callcontrol\/v1\/notification-websockets\/\S+\n/,
    );
    expect(stdout).toMatch(/SESSION_ESTABLISHMENT_SUCCESS.*\(WebSocket\)\n/);
    expect(stdout).toContain('answered, then released');
  });

  it('opens the WebSocket with the token when the server authenticates the AF', async () => {
    const keys = await mkdtemp(join(tmpdir(), 'mmtel-call-websocket-'));
    onTestFinished(() => rm(keys, { recursive: true, force: true }));
    await runCli(['token', 'keygen', keys]);
    const token = (await runCli(['token', 'mint', '--key', join(keys, 'signing-key.pem'), '--sub', 'as1'])).stdout.trim();
    const apiRoot = await referenceServer({ ...NETWORK, MMTEL_AUTH: 'oauth2', MMTEL_OAUTH_JWKS_FILE: join(keys, 'jwks.json') });
    const { code, stdout, stderr } = await runCli(['call', ...PARTIES, '--api-root', apiRoot, '--token', token, '--websocket', '--json']);
    expect(code, stderr).toBe(0);
    const reports = records(stdout).filter((record) => record['kind'] === 'report');
    expect(reports.map((record) => record['via'])).toEqual(['websocket', 'websocket', 'websocket']);
  });

  it('goes on over HTTP, and says so, when the server does not offer Notification_websocket', async () => {
    const apiRoot = await referenceServer({ ...NETWORK, MMTEL_SUPPORTED_FEATURES: '2' });
    const { code, stdout } = await runCli(['call', ...PARTIES, '--api-root', apiRoot, '--websocket']);
    expect(code).toBe(0);
    expect(stdout).toContain('the server offers no notification WebSocket (Notification_websocket): notifications come over HTTP');
    expect(stdout).toMatch(/SESSION_ESTABLISHMENT_SUCCESS.*\(HTTP\)\n/);
    expect(stdout).toContain('answered, then released');
  });
});
