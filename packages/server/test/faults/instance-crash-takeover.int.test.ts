import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAcknowledgedLoad, type LoadLedger } from '../support/acknowledged-load.js';
import { auditDeliveries, readDeliveries, untilSettled, type DeliveryAudit } from '../support/delivery-audit.js';
import { startFaultyReceivers, type FaultyReceivers } from '../support/faulty-receivers.js';
import { freshDatabase } from '../support/fresh-database.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { faultSeed } from '../support/seeded-random.js';
import { freePort } from '../support/server.js';
import { tagOf } from '../support/tagged-notifications.js';

// Two instances on one PostgreSQL share the outbox; one is SIGKILLed while notifications are in
// flight. The notifications it had claimed stay leased to it until their lease lapses
// (MMTEL_NOTIFY_LEASE_MS), then the survivor claims and delivers them. The test measures that
// takeover: from the kill to the survivor's delivery of each notification the dead instance held.

/** The lease of this run: short, so that the takeover is seen in seconds (the default is 90 s). */
const LEASE_MS = 6_000;
/** What the AS takes to answer: long enough that the instance dies with attempts in flight. */
const RECEIVER_DELAY_MS = 300;
/** Beyond the lease: the survivor's wake-up at the lapse, its claim, and one delivery attempt. */
const TAKEOVER_SLACK_MS = 2_000;

const seed = faultSeed();
const cleanups: (() => Promise<void>)[] = [];
let receivers: FaultyReceivers;
let servers: ServerProcess[];
let ledger: LoadLedger;
let audit: DeliveryAudit;
let killedAt: number;
/** What the dead instance held when it died: notification id → its tag key. */
let orphaned: Map<string, string>;
/** For each of those, ms from the kill to the survivor recording it delivered. */
let takeoverMs: number[];
let survivorAlive: boolean;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`an instance SIGKILLed mid-delivery, its notifications taken over by the other (lease ${LEASE_MS} ms, seed ${seed})`, () => {
  beforeAll(async () => {
    console.info(`instance-crash-takeover: seed ${seed} (replay with MMTEL_FAULT_SEED=${seed})`);
    const databaseUrl = await freshDatabase((drop) => cleanups.push(drop));
    const db = new pg.Client({ connectionString: databaseUrl });
    receivers = await startFaultyReceivers({ count: 1, seed, weights: { ok: 1 }, okDelayMs: RECEIVER_DELAY_MS });
    cleanups.push(() => receivers.close());
    const common = {
      DATABASE_URL: databaseUrl,
      MMTEL_SIM_SCENARIO: 'silent',
      MMTEL_SESSION_EVENT_NOTIFICATION_URI: receivers.url(0, '/events'),
      MMTEL_NOTIFY_LEASE_MS: String(LEASE_MS),
      MMTEL_NOTIFY_TIMEOUT_MS: '2000',
      MMTEL_NOTIFY_BACKOFF_MS: '20',
      MMTEL_NOTIFY_MAX_BACKOFF_MS: '200',
      MMTEL_OVERLOAD_PROTECTION: 'false',
    };
    servers = await Promise.all(
      [0, 1].map(async () => spawnServer({ ...common, PORT: String(await freePort()) }, (kill) => cleanups.push(kill))),
    );
    await db.connect();
    cleanups.push(() => db.end());
    const [doomed, survivor] = servers as [ServerProcess, ServerProcess];

    // Clients spread over both instances until a backlog of notifications is in flight.
    let stop = false;
    const load = runAcknowledgedLoad({
      apiRoots: servers.map((s) => s.apiRoot),
      clients: 16,
      seed,
      notifUri: () => receivers.url(0, '/as'),
      onNotifyingSession: (id, label) => receivers.label(id, label),
      done: (progress) => stop || progress.accepted.length >= 120,
    });
    ledger = await load;
    stop = true;
    doomed.child.kill('SIGKILL');
    killedAt = Date.now();
    await doomed.kill();

    // What the dead instance held: leases taken before the kill that nobody renews. The survivor's
    // own attempts end within RECEIVER_DELAY_MS, so a lease that old, still pending, is the dead one's.
    await sleep(RECEIVER_DELAY_MS + 1_200);
    const { rows } = await db.query<{ id: string; body: unknown }>(
      `SELECT id, body FROM outbox WHERE state = 'pending' AND lease_owner IS NOT NULL AND lease_until <= $1`,
      [killedAt + LEASE_MS],
    );
    orphaned = new Map(rows.map((row) => [row.id, tagOf(row.body)?.key ?? row.id]));

    await untilSettled(survivor.apiRoot, LEASE_MS + 20_000).catch((error: Error) => {
      throw new Error(`${error.message}\nsurvivor:\n${survivor.output().split('\n').slice(-15).join('\n')}`);
    });
    const finished = await db.query<{ id: string; finished_at: number }>(`SELECT id, finished_at FROM outbox WHERE id = ANY($1)`, [
      [...orphaned.keys()],
    ]);
    takeoverMs = finished.rows.map((row) => Number(row.finished_at) - killedAt);
    audit = auditDeliveries(ledger.accepted, await readDeliveries(survivor.apiRoot), receivers.arrivals);
    survivorAlive = survivor.child.exitCode === null && survivor.child.signalCode === null;
    console.info(
      `instance-crash-takeover: ${ledger.accepted.length} notifications accepted; the killed instance held ${orphaned.size}; ` +
        `the survivor delivered them ${Math.min(...takeoverMs)}–${Math.max(...takeoverMs)} ms after the kill (lease ${LEASE_MS} ms); ` +
        `${audit.delivered} delivered, ${audit.givenUp} given up, ${audit.resentAfterAck.length} sent again after an acknowledgement`,
    );
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('killed an instance that held notifications in flight', () => {
    expect(orphaned.size).toBeGreaterThan(0);
  });

  it('delivers every notification the two instances accepted, in order per session, through the survivor', () => {
    expect(survivorAlive).toBe(true);
    expect(audit.missing).toEqual([]);
    expect(audit.pending).toEqual([]);
    expect(audit.unreceived).toEqual([]);
    expect(audit.phantoms).toEqual([]);
    expect(audit.outOfOrder).toEqual([]);
    expect(audit.givenUp).toBe(0);
  });

  it('takes over what the dead instance held once its lease lapses, within the lease (and a poll and a delivery) of the kill', () => {
    expect(takeoverMs).toHaveLength(orphaned.size);
    expect(Math.max(...takeoverMs)).toBeLessThanOrEqual(LEASE_MS + TAKEOVER_SLACK_MS);
  });

  it('sends a notification again only if the dead instance held it (at least once, never more for the others)', () => {
    const heldKeys = new Set(orphaned.values());
    const resent = audit.resentAfterAck.map((entry) => entry.split(' ')[0]!);
    expect(resent.filter((key) => !heldKeys.has(key))).toEqual([]);
  });
});
