import { startReferenceServer } from '@mmtel/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { clickToDial } from '../src/click-to-dial.js';

/** The reference server with its simulated IMS network, on loopback; `scenarios` per called party. */
async function referenceServer(scenarios: string): Promise<string> {
  const server = await startReferenceServer({ MMTEL_SIM_SCENARIOS: scenarios });
  onTestFinished(server.close);
  return server.apiRoot;
}

const parties = { callingParty: 'tel:+4930123456', receiverOrigin: 'http://127.0.0.1' };

describe('click-to-dial against the reference server', () => {
  it('receives progress, alerting and answer, then releases the call', async () => {
    const apiRoot = await referenceServer('sip:bob@example.com=answer');
    const result = await clickToDial({ ...parties, apiRoot, calledParty: 'sip:bob@example.com' });
    expect(result.events).toEqual(['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_ALERTING', 'SESSION_ESTABLISHMENT_SUCCESS']);
    expect(result.outcome).toBe('answered');
  });

  it('reports a busy called party with its SIP cause', async () => {
    const apiRoot = await referenceServer('sip:carol@example.com=busy');
    const result = await clickToDial({ ...parties, apiRoot, calledParty: 'sip:carol@example.com' });
    expect(result.events).toEqual(['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_FAILURE']);
    expect(result).toMatchObject({ outcome: 'failed', cause: '486' });
  });
});
