import type { AddressInfo } from 'node:net';
import { createCallControlClient } from '@mmtel/client';
import { createReceiver, type ImsSessionEventNotification, type SessionEventNotification } from '@mmtel/receiver';
import { describe, expect, it, onTestFinished } from 'vitest';
import { referenceServer, runCli } from './support/cli.js';

/** An AS receiving both notifications, and what it got. */
async function receiver() {
  const sessionEvents: SessionEventNotification[] = [];
  const imsSessionEvents: ImsSessionEventNotification[] = [];
  const app = createReceiver({
    handlers: {
      onSessionEvent: (notification) => void sessionEvents.push(notification),
      onImsSessionEvent: (notification) => void imsSessionEvents.push(notification),
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  onTestFinished(() => app.close());
  return { origin: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, sessionEvents, imsSessionEvents };
}

async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > 15_000) throw new Error('not within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('mmtel trigger', () => {
  it('incoming-call makes the server send a Session Event Notification SESSION_ESTABLISHMENT_REQUEST', async () => {
    const as = await receiver();
    const apiRoot = await referenceServer({ MMTEL_SESSION_EVENT_NOTIFICATION_URI: `${as.origin}/session-event-notification` });
    const { code, stdout } = await runCli([
      'trigger',
      'incoming-call',
      'tel:+4930123456',
      'sip:bob@example.com',
      '--media',
      'audio',
      '--api-root',
      apiRoot,
    ]);
    expect(stdout).toMatch(/incoming call injected: session \S+, 1 notification queued/);
    expect(code).toBe(0);
    await until(() => as.sessionEvents.length === 1);
    expect(as.sessionEvents[0]).toMatchObject({
      notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST' },
      sessionInfo: { callingIdentity: 'tel:+4930123456', calledIdentity: 'sip:bob@example.com' },
      mediaInfoList: { '1': { mediaId: '1', mediaType: 'AUDIO' } },
    });
  });

  it("media-change and remote-release reach a call's notifUri, and --json prints what was queued", async () => {
    const as = await receiver();
    const apiRoot = await referenceServer({ MMTEL_SIM_SCENARIO: 'silent' });
    const mmtel = createCallControlClient({ baseUrl: apiRoot, throwOnError: true });
    const { sessionId } = (
      await mmtel.createImsSession({
        afId: 'as1',
        imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
        notifUri: `${as.origin}/ims-session-notification`,
      })
    ).data;
    const media = await runCli(['trigger', 'media-change', sessionId, '--media', 'audio,video', '--api-root', apiRoot, '--json']);
    expect(JSON.parse(media.stdout)).toMatchObject({ sessionId, notifications: [expect.any(String)] });
    const release = await runCli(['trigger', 'remote-release', sessionId, '--api-root', apiRoot]);
    expect(release.code).toBe(0);
    await until(() => as.imsSessionEvents.length === 2);
    expect(as.imsSessionEvents.map((notification) => notification.eventReports[0]?.event)).toEqual([
      'MEDIA_CHANGE_SUCCESS',
      'SESSION_TERMINATION',
    ]);
  });

  it("prints the server's ProblemDetails and exits 1 when it refuses the event", async () => {
    // No CallEvent URI configured: an incoming call has nobody to notify.
    const apiRoot = await referenceServer();
    const { code, stderr } = await runCli(['trigger', 'incoming-call', 'tel:+4930123456', 'sip:bob@example.com', '--api-root', apiRoot]);
    expect(stderr).toContain('409 NOTIFICATION_TARGET_NOT_CONFIGURED');
    expect(code).toBe(1);
  });

  it('says which server it could not reach and exits 1', async () => {
    const { code, stderr } = await runCli(['trigger', 'remote-release', 's1', '--api-root', 'http://127.0.0.1:1']);
    expect(stderr).toContain('POST http://127.0.0.1:1/sim/v1/sessions/s1/remote-release got no answer');
    expect(code).toBe(1);
  });
});
