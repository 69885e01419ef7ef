import type { NewNotification, OutboxEntry, SessionRecord, Store } from '../../../src/store/store.js';
import type { ConformanceOptions, OpenOptions } from '../store-conformance.js';

/** What the parts of the conformance suite get from its harness (store-conformance.ts). */
export interface ConformanceContext {
  /** A store at a fresh place, closed after the test; `reopen` opens the same place again. */
  fresh(options?: OpenOptions): Promise<{ store: Store; reopen(): Promise<Store> }>;
  /** Closes a store before the test ends. */
  close(store: Store): Promise<void>;
  /** Opens a fresh place without tracking it (for opens that are meant to fail). */
  openElsewhere(options?: OpenOptions): Promise<Store>;
  options: ConformanceOptions;
}

export const TARGET = 'http://af.example/notify';

/** A notification of `stream`, its body numbered `n`. */
export function note(stream: string, n: number, extra: Partial<NewNotification> = {}): NewNotification {
  return { stream, callback: 'imsSessionNotification', target: TARGET, body: { n, nested: [n, 'x'] }, ...extra };
}

/** A session record (version 1). */
export function session(sessionId: string, changes: Partial<SessionRecord> = {}): SessionRecord {
  return {
    sessionId,
    owner: 'af-1',
    session: {
      afId: 'af-1',
      imsSessionInfo: {
        callingParty: 'tel:+15550001',
        calledParty: 'sip:bob@ims.example',
        mediaComponents: { m1: { mediaId: 'm1', mediaType: 'AUDIO', codecs: ['AMR-WB'] } },
        sessionId,
        sessionState: 'INITIATING',
      },
      notifUri: 'http://af.example/notify',
    },
    features: '1',
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...changes,
  };
}

/** The finish update of a delivered entry. */
export function delivered(entry: OutboxEntry | undefined, at: number) {
  return { state: 'delivered' as const, attempts: 1, target: entry?.target ?? TARGET, at, status: 204 };
}

/** Claims everything claimable at `now` (default: the current time). */
export function claimAll(store: Store, owner: string, now = Date.now()): Promise<OutboxEntry[]> {
  return store.outbox.claim({ owner, now, limit: 100, leaseMs: 30_000 });
}
