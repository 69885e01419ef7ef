import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { eventually } from '../support/process.js';
import { type RunningServer, useServer } from '../support/server.js';
import { type AsReceiver, type ReceivedSessionEvent, startAsReceiver } from './support/as-receiver.js';
import { agentRoutes, exitCodes, startAgents } from './support/agents.js';
import { createCall, eventsUntil, releaseCall } from './support/sip-call.js';
import { ensureSipp, type Sipp, startSipp } from './support/sipp.js';

/*
 * The Session Event Notifications (MMTel_CallEvent) of the SIP adapter, against SIPp user agents
 * on loopback: what a party's BYE and a network caller's INVITE send to the Session Event
 * Notification URI, each compared with what the simulator sends for the same event. Ports are
 * fixed: the adapters on SIP_PORT and SIP_PORT + 1, the agents of the hang-ups and the hold from BYE_BASE, CALLING_BYE_BASE and HOLD_BASE, the
 * network callers on their own ports, the AS on AS_PORT (the URI is configuration, known before
 * the servers start).
 */

const SIP_PORT = 25064;
const BYE_BASE = 25190;
/** The agents of the calling party's hang-up. */
const CALLING_BYE_BASE = 25260;
/** The agents of the called party's hold (its re-INVITE). */
const HOLD_BASE = 25270;
/** The network callers' SIP ports (their RTP ports two above). */
const CALLER = { offered: 25230, refused: 25240, notFound: 25250 } as const;
const AS_PORT = 25490;
const SESSION_EVENT_URI = `http://127.0.0.1:${AS_PORT}/session-events`;

let receiver: AsReceiver;
let sippPath: string;

const sip = useServer({
  MMTEL_NETWORK: 'sip',
  MMTEL_SIP_LISTEN: `127.0.0.1:${SIP_PORT}`,
  MMTEL_SIP_ROUTES: agentRoutes([BYE_BASE, CALLING_BYE_BASE, HOLD_BASE]),
  MMTEL_SESSION_EVENT_NOTIFICATION_URI: SESSION_EVENT_URI,
});
const simulator = useServer({
  MMTEL_SIM_STEP_MS: '0',
  MMTEL_SIM_RELEASE_AFTER_MS: '0',
  MMTEL_SESSION_EVENT_NOTIFICATION_URI: SESSION_EVENT_URI,
});

beforeAll(async () => {
  sippPath = await ensureSipp();
  receiver = await startAsReceiver(AS_PORT);
});
afterAll(async () => receiver?.close());

/** The Session Event Notifications received that `match`, once there is one (waits up to 20 s). */
function sessionEventsWhere(match: (event: ReceivedSessionEvent) => boolean): Promise<ReceivedSessionEvent[]> {
  return eventually(() => {
    const found = receiver.sessionEvents().filter(match);
    return found.length > 0 ? found : undefined;
  }, 20_000);
}

/** A notification without its session id: what must equal between the two networks. */
function withoutId({ sessionId: _sessionId, ...rest }: ReceivedSessionEvent): Omit<ReceivedSessionEvent, 'sessionId'> {
  return rest;
}

/** A SIPp network caller playing `scenario` once towards the adapter on `sipPort`, ended by PID when the test finishes. */
async function networkCaller(scenario: string, port: number, sipPort = SIP_PORT): Promise<Sipp> {
  const caller = await startSipp(sippPath, { scenario, port, mediaPort: port + 2, remote: `127.0.0.1:${sipPort}`, timeoutS: 20 });
  onTestFinished(() => caller.kill());
  return caller;
}

/** Injects a network event into the simulator of `server` (202); the session id it answers. */
async function inject(server: RunningServer, path: string, json?: unknown): Promise<string> {
  const response = await server.request('POST', `/sim/v1${path}`, json === undefined ? {} : { json });
  expect(response.status).toBe(202);
  return ((await response.json()) as { sessionId: string }).sessionId;
}

describe('Session Event Notifications from the SIP adapter', () => {
  it('sends SESSION_TERMINATION by the remote subscriber when the called party hangs up (BYE), as the simulator remote release', async () => {
    const { a, b, parties } = await startAgents(
      sippPath,
      BYE_BASE,
      { scenario: 'calling-connected.xml' },
      { scenario: 'called-hangs-up.xml', pauseMs: 300 },
    );
    const sessionId = await createCall(sip, receiver, parties);
    const events = await eventsUntil(receiver, sessionId, 'TERMINATED');
    expect(await exitCodes({ a, b })).toEqual([0, 0]);
    const [sent] = await sessionEventsWhere((event) => event.sessionId === sessionId);

    // The simulator's default scenario here is silent: the remote release is the session's only event.
    const simulated = await createCall(simulator, receiver, parties);
    await inject(simulator, `/sessions/${simulated}/remote-release`);
    const [expected] = await sessionEventsWhere((event) => event.sessionId === simulated);
    expect(sent).toEqual({
      sessionId,
      notificationEvent: { eventType: 'SESSION_TERMINATION', eventInitiator: 'REMOTE_IMS_SUBSCRIBER' },
      sessionInfo: { callingIdentity: parties.calling, calledIdentity: parties.called, sessionCase: 'ORIGINATING_IMS_SESSION' },
    });
    expect(withoutId(sent!)).toEqual(withoutId(expected!));
    // Beside the IMS Session Notification it sent before: the call's last event is still the hang-up.
    expect(events.at(-1)).toEqual({ event: 'SESSION_TERMINATION', state: 'TERMINATED', initiator: 'REMOTE_IMS_SUBSCRIBER', cause: 'BYE' });
  });

  it('sends SESSION_TERMINATION by the served subscriber when the calling party hangs up (BYE), the initiator of its IMS Session Notification', async () => {
    const { a, b, parties } = await startAgents(
      sippPath,
      CALLING_BYE_BASE,
      { scenario: 'calling-hangs-up.xml', pauseMs: 300 },
      { scenario: 'called-answers.xml' },
    );
    const sessionId = await createCall(sip, receiver, parties);
    const events = await eventsUntil(receiver, sessionId, 'TERMINATED');
    expect(await exitCodes({ a, b })).toEqual([0, 0]);
    const sent = await sessionEventsWhere((event) => event.sessionId === sessionId);
    expect(sent).toEqual([
      {
        sessionId,
        notificationEvent: { eventType: 'SESSION_TERMINATION', eventInitiator: 'SERVED_IMS_SUBSCRIBER' },
        sessionInfo: { callingIdentity: parties.calling, calledIdentity: parties.called, sessionCase: 'ORIGINATING_IMS_SESSION' },
      },
    ]);
    expect(events.at(-1)?.initiator).toBe('SERVED_IMS_SUBSCRIBER');
  });

  it('sends MEDIA_CHANGE_REQUEST and MEDIA_CHANGE_SUCCESS when the called party puts the call on hold (re-INVITE, a=sendonly), as the simulator media change', async () => {
    const { a, b, parties } = await startAgents(
      sippPath,
      HOLD_BASE,
      { scenario: 'calling-connected.xml' },
      { scenario: 'called-holds.xml', pauseMs: 300 },
    );
    const sessionId = await createCall(sip, receiver, parties);
    const events = await eventually(() => {
      const received = receiver.events(sessionId);
      return received.at(-1)?.event === 'MEDIA_CHANGE_SUCCESS' ? received : undefined;
    });
    await releaseCall(sip, sessionId);
    expect(await exitCodes({ a, b })).toEqual([0, 0]);
    expect(events.at(-1)).toEqual({
      event: 'MEDIA_CHANGE_SUCCESS',
      state: 'ESTABLISHED',
      initiator: 'REMOTE_IMS_SUBSCRIBER',
      cause: undefined,
    });
    const [sent] = await sessionEventsWhere((event) => event.sessionId === sessionId);
    expect(sent).toEqual({
      sessionId,
      notificationEvent: { eventType: 'MEDIA_CHANGE_REQUEST', eventInitiator: 'REMOTE_IMS_SUBSCRIBER' },
      sessionInfo: { callingIdentity: parties.calling, calledIdentity: parties.called, sessionCase: 'ORIGINATING_IMS_SESSION' },
      mediaInfoList: { '1': { mediaId: '1', mediaType: 'AUDIO' } },
    });

    const simulated = await createCall(simulator, receiver, parties);
    await inject(simulator, `/sessions/${simulated}/media-changes`, { mediaInfoList: { '1': { mediaId: '1', mediaType: 'AUDIO' } } });
    const [expected] = await sessionEventsWhere((event) => event.sessionId === simulated);
    expect(withoutId(sent!)).toEqual(withoutId(expected!));
    // The simulator's silent session never got to ESTABLISHED: its event, not its state, is compared.
    const simulatedLast = await eventually(() => receiver.events(simulated).at(-1));
    expect({ event: simulatedLast.event, initiator: simulatedLast.initiator }).toEqual({
      event: 'MEDIA_CHANGE_SUCCESS',
      initiator: 'REMOTE_IMS_SUBSCRIBER',
    });
  });

  it('offers a network INVITE to a served user to the AS (SESSION_ESTABLISHMENT_REQUEST, as the simulator incoming call) and answers 480', async () => {
    const caller = await networkCaller('offered-unavailable.xml', CALLER.offered);
    expect(await caller.exited).toBe(0);
    const offered = (event: ReceivedSessionEvent) =>
      event.notificationEvent.eventType === 'SESSION_ESTABLISHMENT_REQUEST' &&
      event.sessionInfo?.calledIdentity === 'sip:carol@served.test';
    const [sent] = await sessionEventsWhere(offered);
    expect(sent).toEqual({
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST', eventInitiator: 'REMOTE_IMS_SUBSCRIBER' },
      sessionInfo: {
        callingIdentity: 'sip:dave@caller.test',
        calledIdentity: 'sip:carol@served.test',
        sessionCase: 'TERMINATING_IMS_SESSION',
      },
    });

    const simulated = await inject(simulator, '/incoming-calls', {
      callingIdentity: 'sip:dave@caller.test',
      calledIdentity: 'sip:carol@served.test',
    });
    const [expected] = await sessionEventsWhere((event) => event.sessionId === simulated);
    expect(withoutId(sent!)).toEqual(withoutId(expected!));
  });
});

describe('network INVITEs the SIP adapter does not offer', () => {
  // An adapter without a Session Event Notification URI, on the next port.
  useServer({ MMTEL_NETWORK: 'sip', MMTEL_SIP_LISTEN: `127.0.0.1:${SIP_PORT + 1}` });

  it('refuses a network INVITE with 403 when no Session Event Notification URI is configured', async () => {
    const caller = await networkCaller('offered-refused.xml', CALLER.refused, SIP_PORT + 1);
    expect(await caller.exited).toBe(0);
  });

  it('answers 404 to a network INVITE whose Request-URI names no user (no served user)', async () => {
    const caller = await networkCaller('offered-not-found.xml', CALLER.notFound);
    expect(await caller.exited).toBe(0);
  });
});
