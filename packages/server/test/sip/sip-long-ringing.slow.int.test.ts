import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/server.js';
import { agentRoutes, exitCodes, startAgents } from './support/agents.js';
import { type AsReceiver, startAsReceiver } from './support/as-receiver.js';
import { createCall, eventsUntil, releaseCall, simulatedSequence } from './support/sip-call.js';
import { ensureSipp } from './support/sipp.js';

/*
 * SLOW (~40 s): a called party that rings for 35 s, past the ~32 s after which RFC 3725 flow I
 * fails (the calling party, whose 200 is not ACKed until the called party answers, gives up).
 * The adapter's flow IV ACKs the calling party at once, so the call connects.
 */

const SIP_PORT = 25062;
const BASE = 25300;
const RING_MS = 35_000;
let receiver: AsReceiver;
let sippPath: string;

const sip = useServer({ MMTEL_NETWORK: 'sip', MMTEL_SIP_LISTEN: `127.0.0.1:${SIP_PORT}`, MMTEL_SIP_ROUTES: agentRoutes([BASE]) });
const simulator = useServer({ MMTEL_SIM_STEP_MS: '0' });

beforeAll(async () => {
  sippPath = await ensureSipp();
  receiver = await startAsReceiver();
});
afterAll(async () => receiver?.close());

describe('the SIP adapter with a called party ringing long [slow]', () => {
  it('connects a call whose called party rings 35 s before answering (past flow I’s 32 s), as the simulator scenario answer [slow]', {
    timeout: 90_000,
  }, async () => {
    const { a, b, parties } = await startAgents(
      sippPath,
      BASE,
      { scenario: 'calling-connected.xml', timeoutS: 70 },
      { scenario: 'called-answers.xml', pauseMs: RING_MS, timeoutS: 70 },
    );
    const started = performance.now();
    const sessionId = await createCall(sip, receiver, parties);
    const events = await eventsUntil(receiver, sessionId, 'ESTABLISHED', 60_000);
    expect(performance.now() - started).toBeGreaterThan(RING_MS);
    await releaseCall(sip, sessionId);
    expect(await exitCodes({ a, b })).toEqual([0, 0]);
    expect(events).toEqual(await simulatedSequence(simulator, receiver, 'answer', 'ESTABLISHED'));
  });
});
