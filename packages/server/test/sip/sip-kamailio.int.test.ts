import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer } from '../support/server.js';
import { exitCodes, startAgents } from './support/agents.js';
import { type AsReceiver, startAsReceiver } from './support/as-receiver.js';
import { ensureKamailio, KAMAILIO_PORT, type Kamailio, startKamailio } from './support/kamailio.js';
import { createCall, eventsUntil, releaseCall, simulatedSequence } from './support/sip-call.js';
import { ensureSipp } from './support/sipp.js';

/*
 * The SIP adapter behind a real SIP proxy: Kamailio (test/sip/kamailio/stateful-proxy.cfg) is the
 * adapter's outbound proxy, relays each party's domain to its SIPp agent statefully and records
 * the route, so that the dialogs' ACKs, re-INVITE and BYEs pass it too.
 */

const SIP_PORT = 25063;
/** The agents' ports, as the Kamailio configuration routes them. */
const BASE = 25410;
let receiver: AsReceiver;
let sippPath: string;
let kamailio: Kamailio | undefined;

const sip = useServer({
  MMTEL_NETWORK: 'sip',
  MMTEL_SIP_LISTEN: `127.0.0.1:${SIP_PORT}`,
  MMTEL_SIP_OUTBOUND_PROXY: `sip:127.0.0.1:${KAMAILIO_PORT}`,
});
const simulator = useServer({ MMTEL_SIM_STEP_MS: '0' });

beforeAll(async () => {
  sippPath = await ensureSipp();
  kamailio = await startKamailio(await ensureKamailio());
  receiver = await startAsReceiver();
}, 120_000);
afterAll(async () => {
  await receiver?.close();
  await kamailio?.stop();
});

describe('the SIP adapter through Kamailio (a stateful proxy)', () => {
  it('connects a call through the proxy as the simulator scenario answer, and a DELETE sends BYE to both through it', async () => {
    const { a, b, parties } = await startAgents(sippPath, BASE, { scenario: 'calling-connected.xml' }, { scenario: 'called-answers.xml' });
    const sessionId = await createCall(sip, receiver, parties);
    const events = await eventsUntil(receiver, sessionId, 'ESTABLISHED');
    await releaseCall(sip, sessionId);
    const codes = await exitCodes({ a, b });
    if (codes.some((code) => code !== 0)) console.error(`kamailio:\n${kamailio?.output().slice(-4000)}`);
    expect(codes).toEqual([0, 0]);
    expect(events).toEqual(await simulatedSequence(simulator, receiver, 'answer', 'ESTABLISHED'));
  });
});
