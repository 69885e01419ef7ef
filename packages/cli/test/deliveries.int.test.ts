import { freePort } from '@mmtel/server';
import { createCallControlClient } from '@mmtel/client';
import { describe, expect, it } from 'vitest';
import { referenceServer, runCli } from './support/cli.js';

interface Delivery {
  id: string;
  state: string;
  sessionId?: string;
  target: string;
}

/** A reference server that gives up after one attempt, and a session whose notifUri nobody serves. */
async function failedDelivery(): Promise<{ apiRoot: string; sessionId: string; failed: Delivery }> {
  const apiRoot = await referenceServer({ MMTEL_SIM_SCENARIO: 'silent', MMTEL_NOTIFY_MAX_ATTEMPTS: '1' });
  const mmtel = createCallControlClient({ baseUrl: apiRoot, throwOnError: true });
  const { sessionId } = (
    await mmtel.createImsSession({
      afId: 'as1',
      imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
      notifUri: `http://127.0.0.1:${await freePort()}/ims-session-notification`,
    })
  ).data;
  // The silent scenario sends nothing; a remote hang-up sends one notification, which fails.
  await fetch(`${apiRoot}/sim/v1/sessions/${sessionId}/remote-release`, { method: 'POST' });
  for (let waited = 0; waited < 15_000; waited += 100) {
    const [failed] = (await (await fetch(`${apiRoot}/sim/v1/deliveries?state=FAILED`)).json()) as Delivery[];
    if (failed !== undefined) return { apiRoot, sessionId, failed };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the notification did not fail within 15 s');
}

describe('mmtel deliveries', () => {
  it('shows the delivery record as a table, filtered by session and state', async () => {
    const { apiRoot, sessionId, failed } = await failedDelivery();
    const { code, stdout } = await runCli(['deliveries', '--session', sessionId, '--state', 'failed', '--api-root', apiRoot]);
    expect(stdout).toMatch(/│ id\s+│ state\s+│ notification\s+│ session/);
    expect(stdout).toContain(failed.id);
    expect(stdout).toMatch(/FAILED\s+│ IMS session/);
    expect(stdout).toContain('1 notification, newest first');
    expect(code).toBe(0);
    const none = await runCli(['deliveries', '--state', 'delivered', '--api-root', apiRoot]);
    expect(none.stdout).toBe('no notifications match\n');
  });

  it('prints the records as a JSON array with --json', async () => {
    const { apiRoot, failed } = await failedDelivery();
    const { stdout } = await runCli(['deliveries', '--json', '--api-root', apiRoot]);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ id: failed.id, state: 'FAILED', attempts: 1 })]);
  });

  it('retry queues a failed notification again as a new one', async () => {
    const { apiRoot, sessionId, failed } = await failedDelivery();
    const { code, stdout } = await runCli(['deliveries', 'retry', failed.id, '--api-root', apiRoot, '--json']);
    expect(code).toBe(0);
    const again = JSON.parse(stdout) as Delivery;
    expect(again).toMatchObject({ sessionId, target: failed.target });
    expect(again.id).not.toBe(failed.id);
  });

  it('refuses a state that does not exist with its usage and exit status 2', async () => {
    const { code, stderr } = await runCli(['deliveries', '--state', 'lost']);
    expect(stderr).toContain('the states are pending, delivered and failed');
    expect(code).toBe(2);
  });

  it('retry of an unknown id prints the 404 and exits 1', async () => {
    const apiRoot = await referenceServer();
    const { code, stderr } = await runCli(['deliveries', 'retry', 'no-such-id', '--api-root', apiRoot]);
    expect(stderr).toContain('404');
    expect(code).toBe(1);
  });
});
