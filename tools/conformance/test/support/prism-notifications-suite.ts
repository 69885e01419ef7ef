import type { AddressInfo } from 'node:net';
import { createCallControlClient, type ImsSession } from '@mmtel/client';
import {
  createReceiver,
  notFound,
  redirect,
  type ImsSessionEventNotification,
  type SessionEventNotification,
  type TestNotification,
} from '@mmtel/receiver';
import { startReferenceServer, type ReferenceServer } from '@mmtel/server';
import { afterAll, beforeAll, describe, expect, inject as provided, it } from 'vitest';
import { engineSetting, type StoreEngine } from '../../../../packages/server/test/support/store-engines.js';
import type { PrismProxy } from '../../src/prism-proxy.js';
import { BUNDLED_SPECS } from '../../src/prism-spec.js';
import { usePrismProxy } from '../../src/prism-vitest.js';

// The reference server's notifications go through Prism, which judges them against the
// receiver-side specs (each callback a path), to a real @mmtel/receiver: Prism checks the
// server's requests and the receiver's answers. Any violation fails the test it happened in.

const received = { ims: [] as ImsSessionEventNotification[], test: [] as TestNotification[], events: [] as SessionEventNotification[] };
/** Called parties whose first Session Event Notification the receiver redirects (307, back through Prism). */
const redirectOnce = new Set(['sip:redirect@example.com']);

/** The Prism proxy in front of the receiver, and the server whose notifications it judges (one per test file). */
let prism: PrismProxy;
let server: ReferenceServer;

interface Delivery {
  callback: string;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  lastStatus?: number;
  lastError?: string;
}

/** The delivery record of a session once `count` notifications about it are delivered or given up. */
async function settled(sessionId: string, count: number): Promise<Delivery[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const deliveries = (await (await fetch(`${server.apiRoot}/sim/v1/deliveries?session-id=${sessionId}`)).json()) as Delivery[];
    if (deliveries.length >= count && deliveries.every((delivery) => delivery.state !== 'PENDING')) return deliveries;
    if (Date.now() > deadline) throw new Error(`notifications of ${sessionId} not settled: ${JSON.stringify(deliveries)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const delivered = (deliveries: Delivery[]) => deliveries.map(({ callback, state }) => `${callback} ${state}`);

/** Creates a session: `overrides` replace top-level attributes, `info` those of its imsSessionInfo. */
async function createSession(
  overrides: Partial<ImsSession>,
  info: Partial<ImsSession['imsSessionInfo']> = {},
): Promise<{ sessionId: string; self: string }> {
  const result = await createCallControlClient({ baseUrl: server.apiRoot, retry: false }).createImsSession({
    afId: 'default',
    imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:silent@example.com', ...info },
    notifUri: `${prism.origin}/ims-session-notification`,
    ...overrides,
  });
  if (result.error) throw new Error(`create failed: ${JSON.stringify(result.error)}`);
  return { sessionId: result.data.sessionId, self: result.data.session.self! };
}

async function inject(path: string, body?: unknown): Promise<{ sessionId: string; notifications: string[] }> {
  const response = await fetch(`${server.apiRoot}/sim/v1${path}`, {
    method: 'POST',
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { sessionId: string; notifications: string[] };
}

const ims = (sessionId: string) => received.ims.filter((notification) => notification.sessionId === sessionId);
const events = (sessionId: string) => received.events.filter((notification) => notification.sessionId === sessionId);

/**
 * The server's notifications through Prism to a real receiver, with the server on `engine`: the
 * notifications come out of its outbox, so each engine's outbox is judged. One test file per engine.
 */
export function describePrismNotifications(engine: StoreEngine): void {
  describe(`notifications of the reference server on the ${engine} store`, () => {
    prism = usePrismProxy({
      specs: [BUNDLED_SPECS.callControlCallbacks, BUNDLED_SPECS.callEventCallbacks],
      upstream: async (origin) => {
        const receiver = createReceiver({
          handlers: {
            onImsSessionEvent: (notification) => void received.ims.push(notification),
            onTestNotification: (test) => void received.test.push(test),
            onSessionEvent: (notification) => {
              const called = notification.sessionInfo?.calledIdentity ?? '';
              if (called === 'sip:nobody@example.com') return notFound('USER_NOT_FOUND');
              if (redirectOnce.delete(called)) return redirect(`${origin}/session-event-notification`, { cause: 'ALTERNATIVE_CONSUMER' });
              received.events.push(notification);
            },
          },
        });
        await receiver.listen({ host: '127.0.0.1', port: 0 });
        return { origin: `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`, close: () => receiver.close() };
      },
    });

    let release = async (): Promise<void> => undefined;
    beforeAll(async () => {
      const setting = await engineSetting(engine, provided('databaseUrl'));
      release = setting.release;
      server = await startReferenceServer({
        ...setting.env,
        MMTEL_SESSION_EVENT_NOTIFICATION_URI: `${prism.origin}/session-event-notification`,
        MMTEL_SIM_SCENARIO: 'silent',
        MMTEL_SIM_SCENARIOS: 'sip:answer@example.com=answer,sip:busy@example.com=busy',
        MMTEL_NOTIFY_MAX_ATTEMPTS: '2',
        // Shedding answers 503 when the event loop stalls for a second, which a loaded 2-core test
        // machine does; the contract, not the load, is under test here.
        MMTEL_OVERLOAD_PROTECTION: 'false',
      });
    });
    afterAll(async () => {
      await server?.close();
      await release();
    });

    describe('IMS Session Notifications through Prism', () => {
      it('delivers progress, alerting and answer of an answered call, each accepted by Prism', async () => {
        const { sessionId } = await createSession({ notifCorreId: 'answered' }, { calledParty: 'sip:answer@example.com' });
        expect(delivered(await settled(sessionId, 3))).toEqual(Array(3).fill('imsSessionNotification DELIVERED'));
        expect(ims(sessionId).map((n) => n.eventReports[0]?.event)).toEqual([
          'SESSION_ESTABLISHMENT_PROGRESS',
          'SESSION_ESTABLISHMENT_ALERTING',
          'SESSION_ESTABLISHMENT_SUCCESS',
        ]);
        prism.assertNoViolations();
      });

      it('delivers the failure of a busy call with its SIP cause, accepted by Prism', async () => {
        const { sessionId } = await createSession({}, { calledParty: 'sip:busy@example.com', events: ['SESSION_ESTABLISHMENT_FAILURE'] });
        expect(delivered(await settled(sessionId, 1))).toEqual(['imsSessionNotification DELIVERED']);
        expect(ims(sessionId)[0]?.eventReports[0]).toMatchObject({ event: 'SESSION_ESTABLISHMENT_FAILURE', cause: '486' });
        prism.assertNoViolations();
      });

      it('delivers the test notification, whose TestNotification body the callback spec covers', async () => {
        const { sessionId, self } = await createSession({ requestTestNotification: true, suppFeat: '2' });
        expect(delivered(await settled(sessionId, 1))).toEqual(['imsSessionNotification DELIVERED']);
        expect(received.test).toContainEqual({ subscription: self });
        prism.assertNoViolations();
      });
    });

    describe('Session Event Notifications through Prism', () => {
      const incomingCall = { callingIdentity: 'tel:+4930111111', calledIdentity: 'sip:alice@example.com' };

      it('delivers an incoming call, accepted by Prism', async () => {
        const { sessionId } = await inject('/incoming-calls', incomingCall);
        expect(delivered(await settled(sessionId, 1))).toEqual(['sessionEventNotification DELIVERED']);
        expect(events(sessionId)[0]).toMatchObject({
          notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST' },
          sessionInfo: incomingCall,
        });
        prism.assertNoViolations();
      });

      it('delivers a remote hang-up of an AS session to both callbacks, accepted by Prism', async () => {
        const { sessionId } = await createSession({}, { calledParty: 'sip:answer@example.com', events: ['SESSION_TERMINATION'] });
        await inject(`/sessions/${sessionId}/remote-release`);
        expect(delivered(await settled(sessionId, 2)).sort()).toEqual([
          'imsSessionNotification DELIVERED',
          'sessionEventNotification DELIVERED',
        ]);
        expect(ims(sessionId)[0]?.eventReports[0]).toMatchObject({ event: 'SESSION_TERMINATION', sessionState: 'TERMINATED' });
        expect(events(sessionId)[0]).toMatchObject({ notificationEvent: { eventType: 'SESSION_TERMINATION' } });
        prism.assertNoViolations();
      });

      it('delivers a media change with its mediaInfoList to both callbacks, accepted by Prism', async () => {
        const { sessionId } = await createSession({}, { events: ['MEDIA_CHANGE_SUCCESS'] });
        const mediaInfoList = { video: { mediaId: 'video', mediaType: 'VIDEO' } };
        await inject(`/sessions/${sessionId}/media-changes`, { mediaInfoList });
        expect(delivered(await settled(sessionId, 2)).sort()).toEqual([
          'imsSessionNotification DELIVERED',
          'sessionEventNotification DELIVERED',
        ]);
        expect(events(sessionId)[0]).toMatchObject({ notificationEvent: { eventType: 'MEDIA_CHANGE_REQUEST' }, mediaInfoList });
        expect(ims(sessionId)[0]?.eventReports[0]).toMatchObject({ event: 'MEDIA_CHANGE_SUCCESS', mediaInfoList });
        prism.assertNoViolations();
      });

      it("passes the receiver's 404 USER_NOT_FOUND ProblemDetails, which the server records and does not retry", async () => {
        const { sessionId } = await inject('/incoming-calls', { ...incomingCall, calledIdentity: 'sip:nobody@example.com' });
        expect(await settled(sessionId, 1)).toEqual([expect.objectContaining({ state: 'FAILED', attempts: 1, lastStatus: 404 })]);
        prism.assertNoViolations();
      });

      it("passes the receiver's 307 with its RedirectResponse body, after which the server re-sends through Prism", async () => {
        const { sessionId } = await inject('/incoming-calls', { ...incomingCall, calledIdentity: 'sip:redirect@example.com' });
        expect(delivered(await settled(sessionId, 1))).toEqual(['sessionEventNotification DELIVERED']);
        expect(events(sessionId)).toHaveLength(1);
        prism.assertNoViolations();
      });
    });

    describe('the Prism harness on the notification side', () => {
      it('records a notification that breaks the callback spec, which Prism refuses before the receiver sees it', async () => {
        const before = received.ims.length;
        const response = await fetch(`${prism.origin}/ims-session-notification`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sessionId: 's', eventReports: [] }),
        });
        expect(response.status).toBe(422);
        expect(received.ims).toHaveLength(before);
        expect(() => prism.assertNoViolations()).toThrowError(/POST \/ims-session-notification -> 422 request\.body/);
      });
    });
  });
}
