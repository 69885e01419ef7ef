import { expect } from 'vitest';
import { eventually } from '../../support/process.js';
import { imsSession, type RunningServer, SESSIONS, sessionIdOf } from '../../support/server.js';
import type { AsReceiver, ReceivedEvent } from './as-receiver.js';

/** The terminal states: a call's notifications end with one of them (ESTABLISHED ends one that is not released). */
export type FinalState = 'ESTABLISHED' | 'FAILED' | 'TERMINATED';

/** Creates an IMS session between two parties, notifications to `receiver`; returns its id. */
export async function createCall(
  server: RunningServer,
  receiver: AsReceiver,
  parties: { calling: string; called: string },
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await server.request('POST', SESSIONS, {
    json: imsSession({ notifUri: receiver.uri }, { callingParty: parties.calling, calledParty: parties.called }),
    headers,
  });
  expect(response.status).toBe(201);
  return sessionIdOf(await response.json());
}

/** The events of a session once the last one is in `state` (waits up to `ms`). */
export async function eventsUntil(receiver: AsReceiver, sessionId: string, state: FinalState, ms = 20_000): Promise<ReceivedEvent[]> {
  return eventually(() => {
    const events = receiver.events(sessionId);
    return events.at(-1)?.state === state ? events : undefined;
  }, ms);
}

/**
 * The sequence the simulator sends for `scenario` (MMTEL_SIM_STEP_MS=0): what the SIP adapter's
 * sequence for the same call must equal.
 */
export async function simulatedSequence(
  simulator: RunningServer,
  receiver: AsReceiver,
  scenario: string,
  state: FinalState,
): Promise<ReceivedEvent[]> {
  const sessionId = await createCall(
    simulator,
    receiver,
    { calling: 'tel:+4930123456', called: 'sip:bob@example.com' },
    {
      'x-mmtel-sim-scenario': scenario,
    },
  );
  return eventsUntil(receiver, sessionId, state);
}

/** Releases a session (DELETE): 204. */
export async function releaseCall(server: RunningServer, sessionId: string): Promise<void> {
  const response = await server.request('DELETE', `${SESSIONS}/${sessionId}`);
  expect(response.status).toBe(204);
}
