import { randomUUID } from 'node:crypto';
import type { Simulator } from '@mmtel/types';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config.js';
import { ProblemError } from '../http/problem.js';
import type { Notifier } from '../notifications/notification-queue.js';
import type { SessionEventTarget } from '../notifications/session-event-target.js';
import type { NetworkAdapter } from '../network/network-adapter.js';
import type { SessionService } from '../sessions/session-service.js';
import type { DeliveryState, NewNotification, Outbox, SessionRecord } from '../store/store.js';
import { DeliveryRecord } from './delivery-record.js';
import { type Scenario, scenarios } from './scenarios.js';
import { type MediaInfoList, SessionEvents } from './session-events.js';

type Delivery = Simulator.components['schemas']['Delivery'];

/** The part of the server configuration the simulator reads. */
export type SimulatorConfig = ServerConfig['simulator'];

/** What the simulator is built from. */
export interface NetworkSimulatorOptions {
  /** The IMS sessions of MMTel_CallControl, whose calls it plays. */
  sessions: SessionService;
  /** Where its Session Event Notifications are enqueued. */
  notifier: Notifier;
  /** The delivery record it lists. */
  outbox: Outbox;
  /** The SessionEventNotificationUri in force (TS 29.122 clause 5.2.10: a 308 moves it). */
  sessionEventTarget: SessionEventTarget;
  config: SimulatorConfig;
  log: FastifyBaseLogger;
}

/**
 * The simulated IMS network: plays a call scenario for each IMS session an AS creates, and turns
 * injected network events into Session Event Notifications (and IMS Session Notifications for
 * the sessions of MMTel_CallControl).
 */
export class NetworkSimulator implements NetworkAdapter {
  readonly kind = 'simulator';
  private readonly timers = new Map<string, Set<NodeJS.Timeout>>();
  private readonly sessions: SessionService;
  private readonly config: SimulatorConfig;
  private readonly log: FastifyBaseLogger;
  /** The delivery record as the simulator's API shows it (list, retry, clear). */
  readonly deliveryRecord: DeliveryRecord;
  /** Its Session Event Notifications: the SIP adapter sends the same ones (select-network.ts). */
  readonly sessionEvents: SessionEvents;

  constructor(options: NetworkSimulatorOptions) {
    this.sessions = options.sessions;
    this.sessionEvents = new SessionEvents(options.notifier, options.sessionEventTarget);
    this.config = options.config;
    this.log = options.log;
    this.deliveryRecord = new DeliveryRecord(options.outbox, options.notifier);
  }

  get defaultScenario(): string {
    return this.config.defaultScenario;
  }

  /** The scenario for a new session: the request's, else the called party's, else the default. */
  scenarioFor(record: SessionRecord, requested: string | undefined): Scenario {
    for (const name of [requested, this.config.scenarioByParty[record.session.imsSessionInfo.calledParty], this.config.defaultScenario]) {
      if (name === undefined) continue;
      const scenario = scenarios[name];
      if (scenario) return scenario;
      this.log.warn({ scenario: name, sessionId: record.sessionId }, 'unknown simulator scenario, trying the next choice');
    }
    return scenarios.silent!;
  }

  sessionCreated(record: SessionRecord, requested: string | undefined): void {
    const scenario = this.scenarioFor(record, requested);
    // The silent scenario: no chain to build and nothing to catch.
    if (scenario.steps.length === 0) return;
    let delay = 0;
    let chain = Promise.resolve();
    for (const step of scenario.steps) {
      delay += step.after === 'release' ? this.config.releaseAfterMs : this.config.stepDelayMs;
      // Each step waits for the previous report, so notifications are queued in scenario order.
      const report = () =>
        this.sessions.report(
          record.sessionId,
          { event: step.event, ...(step.initiator && { eventInitiator: step.initiator }), ...(step.cause && { cause: step.cause }) },
          step.state,
        );
      const at = delay;
      chain = chain.then(() => this.after(record.sessionId, at, report)).then(() => undefined);
    }
    chain.catch((err: unknown) => this.log.error({ err, sessionId: record.sessionId }, 'simulator scenario failed'));
  }

  sessionReleased(sessionId: string): void {
    for (const timer of this.timers.get(sessionId) ?? []) clearTimeout(timer);
    this.timers.delete(sessionId);
  }

  /** Offers a new network-originated session to a served user. */
  async injectIncomingCall(call: Simulator.components['schemas']['IncomingCall']): Promise<{ sessionId: string; notifications: string[] }> {
    const sessionId = randomUUID();
    const notification = this.sessionEvents.establishmentRequest(call, sessionId);
    if (notification === undefined) throw noTarget();
    return { sessionId, notifications: await this.sessionEvents.enqueue([notification]) };
  }

  /** The remote party changes the media of a session. */
  async injectMediaChange(sessionId: string, mediaInfoList: MediaInfoList): Promise<{ sessionId: string; notifications: string[] }> {
    const record = await this.sessions.findAny(sessionId);
    const notifications = await this.enqueue(this.sessionEvents.mediaChangeRequest(sessionId, record, mediaInfoList), record === undefined);
    if (record)
      notifications.push(
        ...(await this.sessions.report(sessionId, {
          event: 'MEDIA_CHANGE_SUCCESS',
          eventInitiator: 'REMOTE_IMS_SUBSCRIBER',
          mediaInfoList,
        })),
      );
    return { sessionId, notifications };
  }

  /** The remote party hangs up. */
  async injectRemoteRelease(sessionId: string): Promise<{ sessionId: string; notifications: string[] }> {
    const record = await this.sessions.findAny(sessionId);
    const notifications = await this.enqueue(
      this.sessionEvents.termination(sessionId, record, 'REMOTE_IMS_SUBSCRIBER'),
      record === undefined,
    );
    if (record) {
      this.sessionReleased(sessionId);
      notifications.push(
        ...(await this.sessions.report(
          sessionId,
          { event: 'SESSION_TERMINATION', eventInitiator: 'REMOTE_IMS_SUBSCRIBER', cause: 'BYE' },
          'TERMINATED',
        )),
      );
    }
    return { sessionId, notifications };
  }

  /** The delivery record, optionally for one session or state, newest first. */
  async deliveries(filter: { sessionId?: string; state?: DeliveryState }): Promise<Delivery[]> {
    return this.deliveryRecord.list(filter);
  }

  /** Nothing to open: the simulated network lives in this process. */
  async start(): Promise<void> {}

  /** Stops every running scenario. */
  async stop(): Promise<void> {
    for (const id of [...this.timers.keys()]) this.sessionReleased(id);
  }

  private after<T>(sessionId: string, delayMs: number, task: () => Promise<T>): Promise<T | undefined> {
    if (delayMs === 0) return task();
    return new Promise((resolve, reject) => {
      const timers = this.timers.get(sessionId) ?? new Set();
      this.timers.set(sessionId, timers);
      const timer = setTimeout(() => {
        timers.delete(timer);
        task().then(resolve, reject);
      }, delayMs);
      timer.unref();
      timers.add(timer);
    });
  }

  /** Enqueues a Session Event Notification; none (no SessionEventNotificationUri) is an error when `requireTarget`. */
  private async enqueue(item: NewNotification | undefined, requireTarget: boolean): Promise<string[]> {
    if (item === undefined) {
      if (requireTarget) throw noTarget();
      return [];
    }
    return this.sessionEvents.enqueue([item]);
  }
}

function noTarget(): ProblemError {
  return new ProblemError(
    'NOTIFICATION_TARGET_NOT_CONFIGURED',
    'No SessionEventNotificationUri is configured (MMTEL_SESSION_EVENT_NOTIFICATION_URI) and the session is not an IMS session of MMTel_CallControl: nothing to notify.',
  );
}
