import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../../src/reference-server.js';
import { auditDeliveries, readDeliveries, untilSettled, type DeliveryAudit, type DeliveryRecord } from '../support/delivery-audit.js';
import { FAULTS, startFaultyReceivers, type FaultyReceivers } from '../support/faulty-receivers.js';
import { faultSeed } from '../support/seeded-random.js';
import { imsSession, SESSIONS, sessionIdOf } from '../support/server.js';
import { mediaChange } from '../support/tagged-notifications.js';

// Small enough for CI, large enough that every fault is met many times: 10 sessions × 4 media
// changes × 2 notifications (IMS Session + Session Event) = 80 notifications over 3 receivers;
// short streams keep the wall time down (a stream waits out each timeout and Retry-After).
const SESSION_COUNT = 10;
const CHANGES_PER_SESSION = 4;
const TIMEOUT_MS = 250;
const MAX_ATTEMPTS = 5;

const seed = faultSeed();
let receivers: FaultyReceivers;
let closeServer: (() => Promise<void>) | undefined;
const accepted: string[] = [];
let record: DeliveryRecord[];
let audit: DeliveryAudit;

describe(`notifications to AS receivers that fail at random (seed ${seed}; replay with MMTEL_FAULT_SEED=${seed})`, () => {
  beforeAll(async () => {
    console.info(`flaky-receivers: fault seed ${seed} (replay with MMTEL_FAULT_SEED=${seed})`);
    receivers = await startFaultyReceivers({
      count: 3,
      seed,
      // About half of the requests fail; with 5 attempts a few notifications are given up.
      weights: { ok: 46, error: 14, throttle: 4, redirect: 10, moved: 5, slow: 6, reset: 9, down: 4 },
      // undici runs its header and body timeouts on a coarse clock (ticks of ~0.5 s): the server
      // gives up on a request between about TIMEOUT_MS - 0.5 s and TIMEOUT_MS + 1 s. A slow answer
      // comes well after that, so it is never taken.
      slowMs: TIMEOUT_MS + 1_500,
      downMs: 150,
      // Whatever the seed, the first session streams meet every fault at least once.
      scripted: Object.fromEntries(FAULTS.map((fault, i) => [`session:s${i}#1`, fault])),
    });
    const { apiRoot, close } = await startReferenceServer({
      MMTEL_SIM_SCENARIO: 'silent',
      MMTEL_SESSION_EVENT_NOTIFICATION_URI: receivers.url(0, '/events'),
      MMTEL_NOTIFY_TIMEOUT_MS: String(TIMEOUT_MS),
      MMTEL_NOTIFY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      // Quick, yet long enough that a receiver away for 150 ms is not always given up.
      MMTEL_NOTIFY_BACKOFF_MS: '50',
      MMTEL_NOTIFY_MAX_BACKOFF_MS: '400',
      // A loaded CI machine must not shed the test's own requests (503 on event-loop delay).
      MMTEL_OVERLOAD_PROTECTION: 'false',
    });
    closeServer = close;

    await Promise.all(
      Array.from({ length: SESSION_COUNT }, async (_, i) => {
        const created = await fetch(apiRoot + SESSIONS, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(imsSession({ notifUri: receivers.url(i % 3, '/as') })),
        });
        if (created.status !== 201) throw new Error(`create answered ${created.status}`);
        const sessionId = sessionIdOf(await created.json());
        receivers.label(sessionId, `s${i}`);
        // One change after the other: the order of acceptance is the order the stream promises.
        for (let seq = 1; seq <= CHANGES_PER_SESSION; seq++) {
          const injected = await fetch(`${apiRoot}/sim/v1/sessions/${sessionId}/media-changes`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(mediaChange(seq)),
          });
          if (injected.status !== 202) throw new Error(`media change answered ${injected.status}: ${await injected.text()}`);
          accepted.push(...((await injected.json()) as { notifications: string[] }).notifications);
        }
      }),
    );
    await untilSettled(apiRoot, 30_000);
    record = await readDeliveries(apiRoot);
    audit = auditDeliveries(accepted, record, receivers.arrivals);
    console.info(
      `flaky-receivers: ${accepted.length} accepted, ${audit.delivered} delivered, ${audit.givenUp} given up, ${receivers.arrivals.length} requests; faults ${JSON.stringify(receivers.counts())}`,
    );
  }, 45_000);

  afterAll(async () => {
    await closeServer?.();
    await receivers?.close();
  });

  it('exercises every fault', () => {
    expect(accepted).toHaveLength(SESSION_COUNT * CHANGES_PER_SESSION * 2);
    const counts = receivers.counts();
    for (const fault of FAULTS) expect(counts[fault], fault).toBeGreaterThan(0);
  });

  it('settles every accepted notification as delivered or given up: none is lost', () => {
    expect(audit.missing).toEqual([]);
    expect(audit.pending).toEqual([]);
    expect(audit.delivered + audit.givenUp).toBe(accepted.length);
  });

  it('records a notification as delivered only when a receiver acknowledged it', () => {
    expect(audit.unreceived).toEqual([]);
  });

  it('sends nothing but the recorded notifications, byte for byte', () => {
    expect(audit.phantoms).toEqual([]);
  });

  it('never sends a notification again once a receiver acknowledged it', () => {
    expect(audit.resentAfterAck).toEqual([]);
  });

  it('keeps each session stream in order: no notification arrives after a later one of its stream', () => {
    expect(audit.outOfOrder).toEqual([]);
  });

  it('waits at least the Retry-After of a 429 before the next attempt', () => {
    const early: string[] = [];
    receivers.arrivals.forEach((arrival, index) => {
      if (arrival.fault !== 'throttle') return;
      const next = receivers.arrivals.slice(index + 1).find((a) => a.key === arrival.key);
      // Date.now() granularity and the server's own clock read: a few ms of slack.
      if (next !== undefined && next.at - arrival.at < 1_000 - 10) early.push(`${arrival.key}: ${next.at - arrival.at} ms`);
    });
    expect(early).toEqual([]);
  });

  it('gives up on a notification only once its attempt budget is spent', () => {
    // Every fault here is retryable and redirect chains stay within the cap of 3 hops.
    const early = record
      .filter((d) => d.state === 'FAILED' && d.attempts !== MAX_ATTEMPTS)
      .map((d) => `${d.id}: ${d.attempts} attempts, ${d.lastError}`);
    expect(early).toEqual([]);
  });
});
