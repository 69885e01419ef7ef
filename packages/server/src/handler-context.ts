import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { type AfterResponseTask, runAfterResponse } from './after-response.js';
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
  afterResponse(task: AfterResponseTask): void;
}

/** The services every handler context shares. */
export interface HandlerServices {
  sessions: SessionService;
  simulator: NetworkSimulator;
}

/**
 * The HandlerContext of one request: one small object whose per-request parts are read from the
 * request when a handler asks for them, instead of a literal with a closure built for every
 * request (most handlers read one or two of them).
 */
export class RequestContext implements HandlerContext {
  readonly #request: FastifyRequest;
  readonly #services: HandlerServices;

  constructor(request: FastifyRequest, services: HandlerServices) {
    this.#request = request;
    this.#services = services;
  }

  get owner(): string {
    return this.#request.afId;
  }

  get sessions(): SessionService {
    return this.#services.sessions;
  }

  get simulator(): NetworkSimulator {
    return this.#services.simulator;
  }

  get log(): FastifyBaseLogger {
    return this.#request.log;
  }

  get scenario(): string | undefined {
    const value = this.#request.headers['x-mmtel-sim-scenario'];
    return Array.isArray(value) ? value[0] : value;
  }

  afterResponse(task: AfterResponseTask): void {
    runAfterResponse(this.#request, task);
  }
}
