// An AS's own test suite, as its developers write it against the published packages: the
// reference server started in process, a call placed with the client, its notifications received
// by the receiver on loopback.
import { createCallControlClient } from '@mmtel/client';
import { createReceiver } from '@mmtel/receiver';
import { type ReferenceServer, startReferenceServer } from '@mmtel/server';
import { afterAll, beforeAll, expect, it } from 'vitest';

let server: ReferenceServer;

beforeAll(async () => {
  server = await startReferenceServer({ MMTEL_SIM_SCENARIO: 'answer' });
});

afterAll(async () => {
  await server?.close();
});

it('receives the events of an answered call, then releases it', async () => {
  const events: string[] = [];
  let resolve = () => {};
  const answered = new Promise<void>((settle) => (resolve = settle));
  const receiver = createReceiver({
    handlers: {
      onImsSessionEvent: (notification) => {
        for (const report of notification.eventReports) events.push(report.event);
        if (events.includes('SESSION_ESTABLISHMENT_SUCCESS')) resolve();
      },
    },
  });
  await receiver.listen({ host: '127.0.0.1', port: 0 });
  try {
    const mmtel = createCallControlClient({ baseUrl: server.apiRoot });
    const created = await mmtel.createImsSession({
      afId: 'as-suite',
      imsSessionInfo: { callingParty: 'sip:alice@example.com', calledParty: 'tel:+4930123456' },
      notifUri: `${receiver.listeningOrigin}/ims-session-notification`,
    });
    if (created.error) throw new Error(`create failed: ${JSON.stringify(created.error)}`);
    await answered;
    expect(events).toEqual(['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_ALERTING', 'SESSION_ESTABLISHMENT_SUCCESS']);
    const released = await mmtel.releaseImsSession(created.data.sessionId);
    expect(released.response.status).toBe(204);
  } finally {
    await receiver.close();
  }
});
