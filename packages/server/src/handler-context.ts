import type { FastifyBaseLogger } from 'fastify';
import type { SessionService } from './sessions/session-service.js';
import type { NetworkSimulator } from './simulator/network-simulator.js';

/** What every operation handler gets besides its request. */
export interface HandlerContext {
  /** The AF the request comes from; it owns the sessions it creates. */
  owner: string;
  sessions: SessionService;
  /** The simulated IMS network (its control API is served only when the simulator is on). */
  simulator: NetworkSimulator;
  log: FastifyBaseLogger;
  /** The simulator scenario the request asks for (`x-mmtel-sim-scenario` header), if any. */
  scenario: string | undefined;
  /** Runs `task` once the answer has been sent (a failure is logged, never answered). */
  afterResponse(task: () => Promise<void>): void;
}
