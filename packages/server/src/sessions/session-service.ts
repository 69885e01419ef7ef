import { randomUUID } from 'node:crypto';
import { type CallControl, hasFeature, type KnownImsSessionEvent, type KnownImsSessionState, negotiateFeatures } from '@mmtel/types';
import type { ServerConfig } from '../config.js';
import { ProblemError, type InvalidParam } from '../http/problem.js';
import type { Notifier } from '../notifications/notification-queue.js';
import { SHARED_TENANT } from '../security/authentication.js';
import type { ImsSession, NewNotification, SessionRecord, Store } from '../store/store.js';
import { copyWith } from './copy-with.js';
import { applyMergePatch } from './merge-patch.js';

type Schemas = CallControl.components['schemas'];
export type ImsSessionPatch = Schemas['ImsSessionPatch'];
export type ImsSessionInfo = Schemas['ImsSessionInfo'];
export type ImsSessionEventReport = Schemas['ImsSessionEventReport'];
export type ImsSessionEventNotification = Schemas['ImsSessionEventNotification'];

/** Optional features of MMTel_CallControl (proposed; TS 29.392 table 6.4.8-1 is still empty). */
export const Feature = {
  /** Notification delivery over a WebSocket, TS 29.122 clause 5.2.5.4. */
  NOTIFICATION_WEBSOCKET: 1,
  /** The test notification, TS 29.122 clause 5.2.5.3. */
  NOTIFICATION_TEST_EVENT: 2,
} as const;

/** Told of session life-cycle changes: the network (network/network-adapter.ts), simulated or SIP. */
export interface SessionObserver {
  sessionCreated(record: SessionRecord, scenario: string | undefined): void;
  /** A PUT or PATCH changed the session (`previous` is what it was); the network may change the call's media. */
  sessionModified?(record: SessionRecord, previous: SessionRecord): void;
  sessionReleased(sessionId: string): void;
}

/**
 * The attributes of one level of an ImsSession: its top level, or its imsSessionInfo (the call
 * itself, TS 29.522 V19.5.0). `at` is the JSON Pointer of the level in the resource.
 */
interface AttributeLevel {
  at: '' | '/imsSessionInfo';
  /** Set by the server; ignored when a client sends them (ImsSession and ImsSessionInfo descriptions). */
  serverSet: readonly string[];
  /** Fixed at creation: a PUT or PATCH that changes one gets 403. */
  fixed: readonly string[];
  /** Never changed by a PUT or PATCH: the fixed ones, and the server-set ones it ignores. */
  immutable: readonly string[];
}

const TOP: AttributeLevel = {
  at: '',
  serverSet: ['self'],
  fixed: ['afId', 'suppFeat', 'self'],
  immutable: ['afId', 'suppFeat', 'self'],
};
const INFO: AttributeLevel = {
  at: '/imsSessionInfo',
  serverSet: ['sessionId', 'sessionState'],
  fixed: ['callingParty', 'calledParty', 'sessionId'],
  immutable: ['callingParty', 'calledParty', 'sessionId', 'sessionState'],
};
/**
 * Optimistic-concurrency attempts before a write gives up. Between attempts a writer that lost
 * the compare-and-set waits a random pause of growing bound (full jitter), so that many writers
 * of one session, through one instance or several, take turns instead of colliding again at once
 * (with 8 attempts and no pause, a dozen concurrent PATCHes of one session got 500).
 */
const MAX_WRITE_ATTEMPTS = 32;
/** Bound of the pause after the first lost compare-and-set, in ms; it doubles up to MAX_CONTENTION_PAUSE_MS. */
const FIRST_CONTENTION_PAUSE_MS = 2;
const MAX_CONTENTION_PAUSE_MS = 100;

/** Validates a whole ImsSession (used on the result of a merge patch). */
export type SessionValidator = (session: unknown) => InvalidParam[];

/** Refuses a notification URI the server may not send to (the SSRF policy); rejects with the reason. */
export type NotifUriCheck = (uri: string) => Promise<void>;

/**
 * The IMS session resources: creation with feature negotiation, replacement, merge-patch
 * modification, release, and the event reports that become IMS Session Notifications.
 */
export class SessionService {
  private observer: SessionObserver | undefined;

  constructor(
    private readonly store: Store,
    private readonly notifier: Notifier,
    private readonly config: Pick<ServerConfig, 'apiRoot' | 'supportedFeatures'>,
    private readonly validateSession: SessionValidator,
    private readonly checkNotifUri: NotifUriCheck = async () => undefined,
  ) {}

  /** Connects the simulator (or any observer of session life cycles). */
  observe(observer: SessionObserver): void {
    this.observer = observer;
  }

  /** The absolute URI of an Individual IMS Session resource. */
  selfUri(sessionId: string): string {
    return `${this.config.apiRoot}/mmtel-callcontrol/v1/ims-sessions/${encodeURIComponent(sessionId)}`;
  }

  /** The WebSocket URI a client connects to for the notifications of a session. */
  websocketUri(sessionId: string): string {
    return `${this.config.apiRoot.replace(/^http/, 'ws')}/mmtel-callcontrol/v1/notification-websockets/${encodeURIComponent(sessionId)}`;
  }

  /** The representation sent to the AF: the stored session plus its `self` link (`self`, when the caller has it already). */
  representation(record: SessionRecord, self = this.selfUri(record.sessionId)): ImsSession {
    return copyWith(record.session, { self });
  }

  /**
   * Creates a session. Returns the record and what to do once the 201 has been sent (the test
   * notification and the simulated call must not overtake the answer).
   *
   * @see 3GPP TS 29.122 clauses 5.2.5.3, 5.2.5.4 and 5.2.7
   */
  async create(
    owner: string,
    input: ImsSession,
    scenario?: string,
  ): Promise<{ record: SessionRecord; afterResponse: () => void | Promise<void> }> {
    requireOwnAfId(owner, input.afId);
    await this.requireAllowedNotifUri(input.notifUri);
    const sessionId = randomUUID();
    const session = without({ ...input }, TOP.serverSet);
    const features = input.suppFeat === undefined ? '' : negotiateFeatures(input.suppFeat, this.config.supportedFeatures);
    if (input.suppFeat !== undefined) session.suppFeat = features;
    if (input.websockNotifConfig !== undefined) {
      session.websockNotifConfig =
        hasFeature(features, Feature.NOTIFICATION_WEBSOCKET) && input.websockNotifConfig.requestWebsocketUri
          ? { ...input.websockNotifConfig, websocketUri: this.websocketUri(sessionId) }
          : { ...input.websockNotifConfig, requestWebsocketUri: false };
    }
    session.imsSessionInfo = copyWith(without({ ...input.imsSessionInfo }, INFO.serverSet), {
      sessionId,
      sessionState: 'INITIATING' satisfies KnownImsSessionState,
    });
    const now = new Date().toISOString();
    const record: SessionRecord = {
      sessionId,
      owner,
      session: session as ImsSession,
      features,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.sessions.insertSession(record);
    // Synchronous unless there is a test notification to enqueue first: a creation without one
    // (nearly all) then finishes its answer without a promise (after-response.ts).
    const afterResponse = (): void | Promise<void> => {
      if (input.requestTestNotification === true && hasFeature(features, Feature.NOTIFICATION_TEST_EVENT)) {
        return this.notifier
          .enqueue([this.notification(record, { subscription: this.selfUri(sessionId) })])
          .then(() => this.observer?.sessionCreated(record, scenario));
      }
      this.observer?.sessionCreated(record, scenario);
    };
    return { record, afterResponse };
  }

  /** Replaces a session (PUT). Immutable attributes must be absent or unchanged. */
  async replace(owner: string, sessionId: string, input: ImsSession): Promise<SessionRecord> {
    await this.requireAllowedNotifUri(input.notifUri);
    return this.update(owner, sessionId, (current) => {
      rejectImmutableChanges(this.representation(current), input);
      return this.keepServerSet(current, { ...input });
    }).then((change) => this.modified(change));
  }

  /** Modifies a session with an RFC 7396 merge patch (PATCH); the result must still be an ImsSession. */
  async modify(owner: string, sessionId: string, patch: ImsSessionPatch): Promise<SessionRecord> {
    if (typeof patch.notifUri === 'string') await this.requireAllowedNotifUri(patch.notifUri);
    return this.update(owner, sessionId, (current) => {
      rejectImmutableChanges(this.representation(current), patch);
      const merged = applyMergePatch(current.session, withoutServerSet(patch)) as Record<string, unknown>;
      // Removing the last media component (or one the session does not have, from none) leaves
      // an empty map, which an ImsSessionInfo cannot carry (minProperties: 1): no media components
      // is the attribute's absence (Schemathesis finding S3).
      const info = merged.imsSessionInfo;
      if (isRecord(info) && isEmptyMap(info.mediaComponents)) delete info.mediaComponents;
      const invalid = this.validateSession(merged);
      if (invalid.length > 0)
        throw new ProblemError('MANDATORY_IE_INCORRECT', 'The patched IMS session is not a valid ImsSession.', invalid);
      return this.keepServerSet(current, merged);
    }).then((change) => this.modified(change));
  }

  /** Tells the observer of a PUT or PATCH (the network may change the call's media). */
  private modified({ record, previous }: { record: SessionRecord; previous: SessionRecord }): SessionRecord {
    this.observer?.sessionModified?.(record, previous);
    return record;
  }

  /** Releases (deletes) a session. */
  async release(owner: string, sessionId: string): Promise<void> {
    // One atomic read-and-delete (no read before it: that cost a second decode of the record, and
    // on PostgreSQL a second round trip). Of concurrent releases only the one whose delete removed
    // the session answers 204 (and tells the observer), the others 404; another AF's session is
    // left alone and reported as absent (no existence leak).
    if ((await this.store.sessions.deleteSession(sessionId, owner)) === undefined) throw notFound(sessionId);
    this.observer?.sessionReleased(sessionId);
  }

  /** Finds a session of `owner`; another AF's session is reported as absent (no existence leak). */
  async find(owner: string, sessionId: string): Promise<SessionRecord | undefined> {
    const record = await this.store.sessions.getSession(sessionId);
    return record && record.owner === owner ? record : undefined;
  }

  /** Finds a session whoever owns it: the network side (the simulator) sees every session. */
  async findAny(sessionId: string): Promise<SessionRecord | undefined> {
    return this.store.sessions.getSession(sessionId);
  }

  /**
   * Records an event of the (simulated) network: moves the session state and, unless the AF
   * filtered the event out with `events`, queues an IMS Session Notification. Returns the ids
   * of the queued notifications (none when the session is gone or the event filtered out).
   */
  async report(
    sessionId: string,
    report: Omit<ImsSessionEventReport, 'timeStamp' | 'sessionState'>,
    state?: KnownImsSessionState,
  ): Promise<string[]> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      if (attempt > 0) await contentionPause(attempt);
      const current = await this.store.sessions.getSession(sessionId);
      if (!current) return [];
      const info = current.session.imsSessionInfo;
      const sessionState = state ?? info.sessionState;
      const next: SessionRecord = {
        ...current,
        session: { ...current.session, imsSessionInfo: { ...info, ...(sessionState !== undefined && { sessionState }) } },
        version: current.version + 1,
        updatedAt: new Date().toISOString(),
      };
      if (!(await this.store.sessions.replaceSession(next))) continue;
      const filter = info.events;
      if (filter === undefined || filter.includes(report.event)) {
        const body: ImsSessionEventNotification = {
          session: this.selfUri(sessionId),
          sessionId,
          ...(current.session.notifCorreId !== undefined && { notifCorreId: current.session.notifCorreId }),
          eventReports: [{ ...report, timeStamp: next.updatedAt, ...(sessionState !== undefined && { sessionState }) }],
        };
        const entries = await this.notifier.enqueue([this.notification(next, body)]);
        return entries.map((e) => e.id);
      }
      return [];
    }
    throw sessionContended(sessionId);
  }

  /** After a permanent redirect (308) of a notification, later notifications go to the new URI. */
  async replaceNotifUri(sessionId: string, from: string, to: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      if (attempt > 0) await contentionPause(attempt);
      const current = await this.store.sessions.getSession(sessionId);
      if (!current || current.session.notifUri !== from) return;
      const next = {
        ...current,
        session: { ...current.session, notifUri: to },
        version: current.version + 1,
        updatedAt: new Date().toISOString(),
      };
      if (await this.store.sessions.replaceSession(next)) return;
    }
  }

  /**
   * Checked before anything is stored: a notifUri the server would refuse to send to is the
   * client's mistake, told now rather than discovered at the first notification.
   */
  private async requireAllowedNotifUri(uri: string): Promise<void> {
    try {
      await this.checkNotifUri(uri);
    } catch (error) {
      throw new ProblemError('MANDATORY_IE_INCORRECT', 'The notifUri is not a notification target this server may send to.', [
        { param: '/notifUri', reason: (error as Error).message },
      ]);
    }
  }

  private notification(record: SessionRecord, body: unknown): NewNotification {
    return {
      stream: `session:${record.sessionId}`,
      callback: 'imsSessionNotification',
      target: record.session.notifUri,
      body,
      sessionId: record.sessionId,
    };
  }

  /**
   * `next` with the immutable attributes of both levels as the stored session has them. The
   * result of a PUT or PATCH is validated (or was, as the request body) before this: an
   * imsSessionInfo is there.
   */
  private keepServerSet(current: SessionRecord, next: Record<string, unknown>): ImsSession {
    const kept = keepImmutable(current.session, next, TOP);
    const info = isRecord(kept.imsSessionInfo) ? kept.imsSessionInfo : {};
    kept.imsSessionInfo = keepImmutable(current.session.imsSessionInfo, info, INFO);
    return kept as ImsSession;
  }

  private async update(
    owner: string,
    sessionId: string,
    change: (current: SessionRecord) => ImsSession,
  ): Promise<{ record: SessionRecord; previous: SessionRecord }> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      if (attempt > 0) await contentionPause(attempt);
      const current = await this.store.sessions.getSession(sessionId);
      if (!current || current.owner !== owner) throw notFound(sessionId);
      const next: SessionRecord = {
        ...current,
        session: change(current),
        version: current.version + 1,
        updatedAt: new Date().toISOString(),
      };
      if (await this.store.sessions.replaceSession(next)) return { record: next, previous: current };
    }
    throw sessionContended(sessionId);
  }
}

/** A random pause before compare-and-set attempt `attempt` (from 1): full jitter under a doubling bound. */
function contentionPause(attempt: number): Promise<void> {
  const bound = Math.min(MAX_CONTENTION_PAUSE_MS, FIRST_CONTENTION_PAUSE_MS * 2 ** (attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * bound));
}

/**
 * Every attempt lost to another writer: the session is contended, not the server broken, so the
 * answer is 503 with Retry-After (worth retrying), not 500.
 */
function sessionContended(sessionId: string): ProblemError {
  return new ProblemError('NF_CONGESTION', `IMS session ${sessionId} kept changing under concurrent writes; retry.`, undefined, {
    'retry-after': '1',
  });
}

function notFound(sessionId: string): ProblemError {
  return new ProblemError('SESSION_NOT_FOUND', `No IMS session ${sessionId}.`);
}

/**
 * 403 when the request (a PUT's ImsSession or a PATCH's ImsSessionPatch) sets an attribute that
 * is fixed to a different value, at the top level (afId, suppFeat, self) or in imsSessionInfo.
 */
function rejectImmutableChanges(current: ImsSession, request: Record<string, unknown>): void {
  const info = request.imsSessionInfo;
  const invalid = [...changedFixed(current, request, TOP), ...(isRecord(info) ? changedFixed(current.imsSessionInfo, info, INFO) : [])];
  if (invalid.length > 0)
    throw new ProblemError('MODIFICATION_NOT_ALLOWED', 'The request changes attributes that are read-only or fixed at creation.', invalid);
}

function changedFixed(current: Record<string, unknown>, request: Record<string, unknown>, level: AttributeLevel): InvalidParam[] {
  const invalid: InvalidParam[] = [];
  for (const name of level.fixed) {
    if (!(name in request) || request[name] === undefined) continue;
    if (JSON.stringify(request[name]) !== JSON.stringify(current[name])) {
      invalid.push({ param: `${level.at}/${name}`, reason: `${name} cannot be changed after the IMS session is created` });
    }
  }
  return invalid;
}

/**
 * 403 when the afId names another AF than the authenticated one (token subject or client
 * certificate): an AF creates IMS sessions for itself only. Without authentication (the one
 * shared tenant) nobody is known to compare with, and any afId is accepted.
 *
 * @see 3GPP TS 29.522 (ImsSession.afId), TS 29.122 clause 6
 */
function requireOwnAfId(owner: string, afId: string): void {
  if (owner === SHARED_TENANT || afId === owner) return;
  throw new ProblemError('REQUEST_NOT_AUTHORIZED', 'The afId is not the AF the request is authenticated as.', [
    { param: '/afId', reason: 'must identify the authenticated AF' },
  ]);
}

/** A patch without the server-set attributes of either level, which a PATCH ignores. */
function withoutServerSet(patch: ImsSessionPatch): Record<string, unknown> {
  const ignored = without({ ...patch }, TOP.serverSet);
  if (isRecord(ignored.imsSessionInfo)) ignored.imsSessionInfo = without({ ...ignored.imsSessionInfo }, INFO.serverSet);
  return ignored;
}

/** `next` with each immutable attribute of `level` as `current` has it (absent when it has none). */
function keepImmutable(current: Record<string, unknown>, next: Record<string, unknown>, level: AttributeLevel): Record<string, unknown> {
  const kept: Record<string, unknown> = { ...next };
  for (const name of level.immutable) {
    const value = current[name];
    if (value === undefined) delete kept[name];
    else kept[name] = value;
  }
  return kept;
}

function without(value: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  for (const name of names) delete value[name];
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

export type { KnownImsSessionEvent };
