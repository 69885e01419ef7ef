import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config.js';
import type { SessionService } from '../sessions/session-service.js';
import type { NetworkSimulator } from '../simulator/network-simulator.js';
import type { NetworkAdapter } from './network-adapter.js';

/** What the network is chosen from: the configuration, the simulator already built, and what a SIP adapter needs. */
export interface NetworkChoice {
  config: Pick<ServerConfig, 'network' | 'simulator'>;
  simulator: NetworkSimulator;
  sessions: SessionService;
  log: FastifyBaseLogger;
}

/**
 * The network that plays the calls (`MMTEL_NETWORK`): the simulator (unless `MMTEL_SIMULATOR` is
 * off: then none, as before), or the SIP adapter, loaded only when chosen so that the default start
 * does not load a SIP stack.
 */
export async function selectNetwork(choice: NetworkChoice): Promise<NetworkAdapter | undefined> {
  const { config } = choice;
  if (config.network.kind === 'sip') {
    const { SipNetwork } = await import('./sip/sip-network.js');
    // The simulator's Session Event Notifications: the AS gets the same ones from either network.
    return new SipNetwork({
      settings: config.network.sip,
      sessions: choice.sessions,
      sessionEvents: choice.simulator.sessionEvents,
      log: choice.log,
    });
  }
  return config.simulator.enabled ? choice.simulator : undefined;
}
