import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Message, Remote } from './sip-package.js';
import type { SipSettings } from '../../config/server-config.js';
import { NotificationSchemaError } from '../../notifications/notification-queue.js';
import type { SessionService } from '../../sessions/session-service.js';
import type { SessionEvents } from '../../simulator/session-events.js';
import type { SessionRecord } from '../../store/store.js';
import type { NetworkAdapter } from '../network-adapter.js';
import { type CallReport, failed } from './call-reports.js';
import { routeTo, UnroutableParty } from './party-uri.js';
import { publicIdentityOf } from './public-identity.js';
import { newTag } from './sip-identifiers.js';
import type { Direction } from './sdp.js';
import { SipStack } from './sip-stack.js';
import { ThirdPartyCall } from './third-party-call.js';

/** What the SIP adapter is built from. */
export interface SipNetworkOptions {
  settings: SipSettings;
  /** Where the calls' events are reported (they become IMS Session Notifications). */
  sessions: Pick<SessionService, 'report'>;
  /** The Session Event Notifications (MMTel_CallEvent), the simulator's (a hang-up, a call offered to a served user). */
  sessionEvents: SessionEvents;
  log: FastifyBaseLogger;
}

/**
 * The SIP network adapter (experimental, `MMTEL_NETWORK=sip`): each IMS session becomes a call
 * placed by third-party call control between its callingParty and calledParty
 * (third-party-call.ts); a DELETE ends it. Incoming requests reach the call whose dialog they
 * belong to. A new INVITE offers a session to a served user: it becomes a Session Event
 * Notification SESSION_ESTABLISHMENT_REQUEST, and is answered 480 (the enabler has no media to
 * take the call with); without a SessionEventNotificationUri it is refused (403).
 */
export class SipNetwork implements NetworkAdapter {
  readonly kind = 'sip';
  private readonly stack: SipStack;
  private readonly calls = new Map<string, ThirdPartyCall>();
  private readonly byCallId = new Map<string, ThirdPartyCall>();
  private readonly settings: SipSettings;
  private readonly sessions: Pick<SessionService, 'report'>;
  private readonly sessionEvents: SessionEvents;
  private readonly log: FastifyBaseLogger;

  constructor(options: SipNetworkOptions) {
    this.settings = options.settings;
    this.sessions = options.sessions;
    this.sessionEvents = options.sessionEvents;
    this.log = options.log.child({ network: 'sip' });
    this.stack = new SipStack(
      options.settings,
      (request, remote) => this.onRequest(request, remote),
      (err: unknown) => this.log.warn({ err }, 'SIP stack error'),
    );
  }

  async start(): Promise<void> {
    await this.stack.start();
    const { listenHost, listenPort, transport } = this.settings;
    this.log.info({ listen: `${listenHost}:${listenPort}`, transport }, 'SIP adapter listening');
  }

  async stop(): Promise<void> {
    for (const call of this.calls.values()) call.release();
    this.calls.clear();
    this.byCallId.clear();
    // The BYEs and CANCELs just sent leave before the sockets close.
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.stack.stop();
  }

  sessionCreated(record: SessionRecord): void {
    const { sessionId } = record;
    const { callingParty, calledParty } = record.session.imsSessionInfo;
    // Reports are chained: each waits for the previous one, so notifications keep the call's order.
    let chain = Promise.resolve();
    const report = (event: CallReport) => {
      chain = chain
        .then(async () => {
          // A party hung up: the Session Event Notification goes first, as the simulator's remote release sends it.
          if (event.event === 'SESSION_TERMINATION')
            await this.sessionEvents.enqueue([
              this.sessionEvents.termination(sessionId, record, event.initiator ?? 'REMOTE_IMS_SUBSCRIBER'),
            ]);
          // A party changed the media: MEDIA_CHANGE_REQUEST first, as the simulator's media change.
          else if (event.event === 'MEDIA_CHANGE_SUCCESS' && event.mediaInfoList !== undefined)
            await this.sessionEvents.enqueue([this.sessionEvents.mediaChangeRequest(sessionId, record, event.mediaInfoList)]);
          await this.sessions.report(
            sessionId,
            {
              event: event.event,
              ...(event.initiator && { eventInitiator: event.initiator }),
              ...(event.cause && { cause: event.cause }),
              ...(event.mediaInfoList && { mediaInfoList: event.mediaInfoList }),
            },
            event.state,
          );
        })
        .catch((err: unknown) => this.log.error({ err, sessionId }, 'reporting a SIP call event failed'));
    };
    let call: ThirdPartyCall;
    try {
      call = new ThirdPartyCall({
        stack: this.stack,
        calling: { identity: callingParty, route: routeTo(callingParty, this.settings) },
        called: { identity: calledParty, route: routeTo(calledParty, this.settings) },
        noAnswerMs: this.settings.noAnswerMs,
        report,
        onEnded: () => this.forget(sessionId, call),
      });
    } catch (error) {
      if (!(error instanceof UnroutableParty)) throw error;
      this.log.warn({ sessionId, reason: error.message }, 'IMS session party not reachable over SIP');
      // 416 Unsupported URI Scheme: what a SIP proxy answers for a URI it cannot route.
      report(failed('416', 'SERVED_IMS_SUBSCRIBER'));
      return;
    }
    this.calls.set(sessionId, call);
    for (const callId of call.callIds) this.byCallId.set(callId, call);
    call.start();
  }

  /** A PUT or PATCH: a new media direction becomes re-INVITEs of both parties (see ThirdPartyCall.changeDirection). */
  sessionModified(record: SessionRecord, previous: SessionRecord): void {
    const direction = mediaDirection(record);
    if (direction !== undefined && direction !== (mediaDirection(previous) ?? 'SENDRECV'))
      this.calls.get(record.sessionId)?.changeDirection(direction);
  }

  sessionReleased(sessionId: string): void {
    this.calls.get(sessionId)?.release();
  }

  private onRequest(request: Message, _remote: Remote): void {
    const call = this.byCallId.get(String(request.headers['call-id']));
    if (call !== undefined) return call.handle(request);
    if (request.method === 'ACK') return;
    if (request.method === 'INVITE' && request.headers.to?.params.tag === undefined) return void this.offerToAs(request);
    this.stack.respond(request, 481, 'Call/Transaction Does Not Exist');
  }

  /**
   * A new INVITE from the network: the session is offered to the AS (SESSION_ESTABLISHMENT_REQUEST,
   * as the simulator's incoming call), and the caller is answered 480: the enabler has no media to
   * terminate a call with, and MMTel_CallEvent has no way for the AS to take it here.
   */
  private async offerToAs(request: Message): Promise<void> {
    if (!this.sessionEvents.configured)
      return this.stack.respond(request, 403, 'Forbidden (no Session Event Notification URI is configured: nobody to offer the call to)');
    const calledIdentity = publicIdentityOf(request.uri);
    const callingIdentity = publicIdentityOf(request.headers.from?.uri);
    const sessionId = randomUUID();
    const notification =
      calledIdentity !== undefined && callingIdentity !== undefined
        ? this.sessionEvents.establishmentRequest({ callingIdentity, calledIdentity }, sessionId)
        : undefined;
    try {
      if (notification === undefined)
        return this.stack.respond(request, 404, 'Not Found (no IMS public identity in the Request-URI or From)');
      await this.sessionEvents.enqueue([notification]);
    } catch (error) {
      // The identities do not match ImsPublicId (a port, an IP host): no served user of ours.
      if (error instanceof NotificationSchemaError)
        return this.stack.respond(request, 404, 'Not Found (the Request-URI or From is not an IMS public identity)');
      this.log.error({ err: error, sessionId }, 'offering a SIP call to the AS failed');
      return this.stack.respond(request, 500, 'Server Internal Error');
    }
    this.log.info({ sessionId, callingIdentity, calledIdentity }, 'SIP call offered to the AS');
    const to = request.headers.to;
    this.stack.respond(request, 480, 'Temporarily Unavailable', {
      headers: {
        // A final response carries a To tag (RFC 3261 clause 8.2.6.2): the ACK then matches it.
        ...(to !== undefined && { to: { ...to, params: { ...to.params, tag: newTag() } } }),
        reason:
          'SIP ;cause=480 ;text="Offered to the AS by a Session Event Notification; the enabler has no media and does not terminate calls"',
        warning: `399 mmtel-enabler "Session Event Notification SESSION_ESTABLISHMENT_REQUEST sent for session ${sessionId}"`,
      },
    });
  }

  private forget(sessionId: string, call: ThirdPartyCall): void {
    if (this.calls.get(sessionId) === call) this.calls.delete(sessionId);
    for (const callId of call.callIds) this.byCallId.delete(callId);
  }
}

const DIRECTIONS: readonly string[] = ['SENDRECV', 'SENDONLY', 'RECVONLY', 'INACTIVE'];

/**
 * The media direction a session asks for: that of its audio component (else its first), one for
 * the whole call; undefined when it names none (or one this version does not know).
 */
function mediaDirection(record: SessionRecord): Direction | undefined {
  const components = Object.values(record.session.imsSessionInfo.mediaComponents ?? {});
  const chosen = components.find((component) => component.mediaType === 'AUDIO') ?? components[0];
  const direction = chosen?.mediaDirection;
  return direction !== undefined && DIRECTIONS.includes(direction) ? (direction as Direction) : undefined;
}
