import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { selectNetwork } from '../../src/network/select-network.js';
import type { NetworkSimulator } from '../../src/simulator/network-simulator.js';
import type { SessionService } from '../../src/sessions/session-service.js';

/** Only its identity matters here: selectNetwork hands it back or not. */
const simulator = { kind: 'simulator' } as NetworkSimulator;
const sessions = {} as SessionService;
/** A logger that writes nothing. */
const log = Fastify({ logger: false }).log;

describe('the choice of network (MMTEL_NETWORK)', () => {
  it('is the simulator by default', async () => {
    expect(await selectNetwork({ config: loadConfig({}), simulator, sessions, log })).toBe(simulator);
  });

  it('is none with the simulator off, as before there was a choice', async () => {
    expect(await selectNetwork({ config: loadConfig({ MMTEL_SIMULATOR: 'false' }), simulator, sessions, log })).toBeUndefined();
  });

  it('is the SIP adapter with MMTEL_NETWORK=sip', async () => {
    const network = await selectNetwork({ config: loadConfig({ MMTEL_NETWORK: 'sip' }), simulator, sessions, log });
    expect(network?.kind).toBe('sip');
  });

  it('reads the SIP settings from their variables', () => {
    const config = loadConfig({
      MMTEL_SIP_LISTEN: '10.0.0.5:5070',
      MMTEL_SIP_TRANSPORT: 'tcp',
      MMTEL_SIP_OUTBOUND_PROXY: 'sip:proxy.test:5060',
      MMTEL_SIP_DOMAIN: 'ims.test',
      MMTEL_SIP_ROUTES: 'bob.test=127.0.0.1:5071',
    });
    expect(config.network.sip).toEqual({
      listenHost: '10.0.0.5',
      listenPort: 5070,
      transport: 'tcp',
      outboundProxy: 'sip:proxy.test:5060',
      domain: 'ims.test',
      routes: { 'bob.test': '127.0.0.1:5071' },
      noAnswerMs: 60_000,
    });
  });

  it('refuses a listen address without a port', () => {
    expect(() => loadConfig({ MMTEL_SIP_LISTEN: '127.0.0.1' })).toThrow(/MMTEL_SIP_LISTEN/);
  });
});
