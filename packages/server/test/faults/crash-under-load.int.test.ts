import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAcknowledgedWrites, runAcknowledgedLoad, type LoadLedger } from '../support/acknowledged-load.js';
import { auditDeliveries, readDeliveries, untilSettled, type DeliveryAudit } from '../support/delivery-audit.js';
import { startFaultyReceivers, type FaultyReceivers } from '../support/faulty-receivers.js';
import { spawnServer } from '../support/process.js';
import { faultSeed } from '../support/seeded-random.js';
import { freePort } from '../support/server.js';

// test/api/durability.int.test.ts kills an idle server whose AS is down; this one kills it in the
// middle of traffic: creates, releases and media changes in flight, notifications being sent.

/** Acknowledged requests before the SIGKILL: enough that sessions and a backlog of notifications exist. */
const KILL_AFTER = 150;

// Spawning a server took up to ~18 s on a loaded 2-core machine (Ajv compiling the specs, module loading): generous set-up bound.
const seed = faultSeed();
const cleanups: (() => Promise<void>)[] = [];
let receivers: FaultyReceivers;
let ledger: LoadLedger;
let writeProblems: string[];
let audit: DeliveryAudit;
/** Notifications accepted but not yet acknowledged by the AS when the server was killed. */
let backlog = 0;

describe(`a server SIGKILLed under load and restarted on its data (seed ${seed})`, () => {
  beforeAll(async () => {
    console.info(`crash-under-load: seed ${seed} (replay with MMTEL_FAULT_SEED=${seed})`);
    const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // A busy AS (30 ms per answer, some 503s) so that notifications queue up behind it.
    receivers = await startFaultyReceivers({ count: 1, seed, weights: { ok: 90, error: 10 }, okDelayMs: 30 });
    cleanups.push(() => receivers.close());
    const env = {
      PORT: String(await freePort()),
      MMTEL_DATA_DIR: dataDir,
      MMTEL_SIM_SCENARIO: 'silent',
      MMTEL_SESSION_EVENT_NOTIFICATION_URI: receivers.url(0, '/events'),
      MMTEL_NOTIFY_CONCURRENCY: '2',
      MMTEL_NOTIFY_BACKOFF_MS: '20',
      MMTEL_NOTIFY_MAX_BACKOFF_MS: '100',
      MMTEL_NOTIFY_MAX_ATTEMPTS: '1000',
      MMTEL_OVERLOAD_PROTECTION: 'false',
    };
    const first = await spawnServer(env, (kill) => cleanups.push(kill));

    let killed = false;
    ledger = await runAcknowledgedLoad({
      apiRoots: [first.apiRoot],
      clients: 6,
      seed,
      notifUri: () => receivers.url(0, '/as'),
      onNotifyingSession: (id, label) => receivers.label(id, label),
      done: (progress) => {
        if (!killed && progress.created.size + progress.deleted.size + progress.accepted.length / 2 >= KILL_AFTER) {
          killed = true;
          backlog = progress.accepted.length - receivers.arrivals.filter((a) => a.acked).length;
          // Not awaited: the clients' requests in flight meet the dying server.
          void first.kill();
        }
        return killed;
      },
    });
    await first.kill();

    const second = await spawnServer(env, (kill) => cleanups.push(kill));
    writeProblems = await checkAcknowledgedWrites(second.apiRoot, ledger);
    await untilSettled(second.apiRoot, 20_000);
    audit = auditDeliveries(ledger.accepted, await readDeliveries(second.apiRoot), receivers.arrivals);
    console.info(
      `crash-under-load: killed with ~${backlog} notifications unacknowledged; ${ledger.created.size} created, ${ledger.deleted.size} released, ` +
        `${ledger.uncertain.size} releases unanswered, ${ledger.accepted.length} notifications accepted; answers ${JSON.stringify(Object.fromEntries(ledger.answers))}; ` +
        `after restart ${audit.delivered} delivered, ${audit.givenUp} given up, ${audit.resentAfterAck.length} sent again`,
    );
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('was killed with requests in flight and notifications queued', () => {
    expect(ledger.answers.get('transport') ?? 0).toBeGreaterThan(0);
    expect(backlog).toBeGreaterThan(0);
  });

  it('keeps every session it answered 201 for, and keeps released the ones it answered 204 for', () => {
    expect(ledger.created.size).toBeGreaterThan(0);
    expect(ledger.deleted.size).toBeGreaterThan(0);
    expect(writeProblems).toEqual([]);
  });

  it('delivers, or records as given up, every notification it accepted before the crash', () => {
    expect(audit.missing).toEqual([]);
    expect(audit.pending).toEqual([]);
    expect(audit.unreceived).toEqual([]);
  });

  it('sends only recorded notifications, and keeps each stream in order across the restart', () => {
    expect(audit.phantoms).toEqual([]);
    expect(audit.outOfOrder).toEqual([]);
  });
});
