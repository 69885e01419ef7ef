import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAcknowledgedWrites, runAcknowledgedLoad, type LoadLedger } from '../support/acknowledged-load.js';
import { auditDeliveries, readDeliveries, untilSettled, type DeliveryAudit } from '../support/delivery-audit.js';
import { startFaultyReceivers, type FaultyReceivers } from '../support/faulty-receivers.js';
import { startPostgres } from '../support/postgres.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { faultSeed } from '../support/seeded-random.js';
import { freePort } from '../support/server.js';

// A PostgreSQL cluster of this file's own: the shared one (global-postgres.ts) serves other test
// files in parallel and must not go down under them.

/** How long PostgreSQL stays down. */
const OUTAGE_MS = 1_000;

// Spawning a server took up to ~18 s on a loaded 2-core machine (Ajv compiling the specs, module loading): generous set-up bound.
const seed = faultSeed();
const cleanups: (() => Promise<void>)[] = [];
let receivers: FaultyReceivers;
let servers: ServerProcess[];
let ledger: LoadLedger;
let aliveAfterOutage: boolean[];
let readyAgainAfterMs: number[];
let servedAfterRecovery = 0;
let writeProblems: string[];
let audit: DeliveryAudit;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ready = (server: ServerProcess) =>
  fetch(`${server.apiRoot}/readyz`).then(
    (r) => r.status === 200,
    () => false,
  );
const acknowledged = (l: LoadLedger) => l.created.size + l.deleted.size + l.accepted.length;

describe(`two server instances while their PostgreSQL restarts (seed ${seed})`, () => {
  beforeAll(async () => {
    console.info(`postgres-restart: seed ${seed} (replay with MMTEL_FAULT_SEED=${seed})`);
    const postgres = await startPostgres();
    cleanups.push(() => postgres.stop());
    receivers = await startFaultyReceivers({ count: 1, seed, weights: { ok: 1 }, okDelayMs: 5 });
    cleanups.push(() => receivers.close());
    const common = {
      DATABASE_URL: postgres.url,
      MMTEL_SIM_SCENARIO: 'silent',
      MMTEL_SESSION_EVENT_NOTIFICATION_URI: receivers.url(0, '/events'),
      MMTEL_NOTIFY_BACKOFF_MS: '20',
      MMTEL_NOTIFY_MAX_BACKOFF_MS: '200',
      MMTEL_NOTIFY_MAX_ATTEMPTS: '1000',
      MMTEL_OVERLOAD_PROTECTION: 'false',
    };
    servers = await Promise.all(
      [0, 1].map(async () => spawnServer({ ...common, PORT: String(await freePort()) }, (kill) => cleanups.push(kill))),
    );

    let stop = false;
    let live: LoadLedger | undefined;
    const load = runAcknowledgedLoad({
      apiRoots: servers.map((s) => s.apiRoot),
      clients: 4,
      seed,
      notifUri: () => receivers.url(0, '/as'),
      onNotifyingSession: (id, label) => receivers.label(id, label),
      done: (progress) => {
        live = progress;
        return stop;
      },
    });
    try {
      await sleep(700);
      const restartedAt = Date.now();
      await postgres.restart(OUTAGE_MS);
      readyAgainAfterMs = await Promise.all(
        servers.map(async (server) => {
          for (const until = Date.now() + 15_000; Date.now() < until; await sleep(50))
            if (await ready(server)) return Date.now() - restartedAt;
          return Number.NaN;
        }),
      );
      // The clients go on until the servers have acknowledged a good number of requests again.
      const before = live === undefined ? 0 : acknowledged(live);
      for (const until = Date.now() + 10_000; Date.now() < until && servedAfterRecovery < 40; await sleep(50)) {
        servedAfterRecovery = (live === undefined ? 0 : acknowledged(live)) - before;
      }
    } finally {
      stop = true;
    }
    ledger = await load;
    writeProblems = await checkAcknowledgedWrites(servers[0]!.apiRoot, ledger);
    await untilSettled(servers[1]!.apiRoot, 20_000).catch((error: Error) => {
      const logs = servers.map((server, i) => `server ${i}:\n${server.output().split('\n').slice(-15).join('\n')}`).join('\n');
      throw new Error(`${error.message}\n${logs}`);
    });
    audit = auditDeliveries(ledger.accepted, await readDeliveries(servers[0]!.apiRoot), receivers.arrivals);
    aliveAfterOutage = servers.map((s) => s.child.exitCode === null && s.child.signalCode === null);
    console.info(
      `postgres-restart: ready again after ${readyAgainAfterMs.join(' / ')} ms; ${ledger.created.size} created, ${ledger.deleted.size} released, ` +
        `${ledger.accepted.length} notifications accepted; answers ${JSON.stringify(Object.fromEntries(ledger.answers))}; ` +
        `${audit.delivered} delivered, ${audit.givenUp} given up, ${audit.resentAfterAck.length} sent again`,
    );
  }, 120_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('keeps both servers running through the outage', () => {
    expect(aliveAfterOutage).toEqual([true, true]);
  });

  it('reports ready again and serves requests once PostgreSQL is back', () => {
    expect(readyAgainAfterMs.every((ms) => Number.isFinite(ms))).toBe(true);
    expect(servedAfterRecovery).toBeGreaterThanOrEqual(40);
  });

  it('answers requests during the outage with ProblemDetails, never by dropping the connection', () => {
    const bad = ledger.failures.filter(
      (f) => typeof f.status !== 'number' || f.status < 500 || !f.contentType?.startsWith('application/problem+json'),
    );
    expect(bad).toEqual([]);
  });

  it('keeps every session it answered 201 for, and keeps released the ones it answered 204 for', () => {
    expect(writeProblems).toEqual([]);
  });

  it('delivers every notification it accepted, in order per stream', () => {
    expect(audit.missing).toEqual([]);
    expect(audit.pending).toEqual([]);
    expect(audit.unreceived).toEqual([]);
    expect(audit.phantoms).toEqual([]);
    expect(audit.outOfOrder).toEqual([]);
  });
});
