import { isDeepStrictEqual } from 'node:util';
import type { Arrival } from './faulty-receivers.js';
import { tagOf } from './tagged-notifications.js';

/** One entry of GET /sim/v1/deliveries. */
export interface DeliveryRecord {
  id: string;
  callback: string;
  sessionId?: string;
  target: string;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  body: unknown;
}

/** What an audit found; every list empty means the run kept the engine's promises. */
export interface DeliveryAudit {
  /** Accepted (202) notifications the delivery record does not know. */
  missing: string[];
  /** Accepted notifications still pending. */
  pending: string[];
  /** Recorded DELIVERED, yet no receiver acknowledged that body. */
  unreceived: string[];
  /** Requests whose body is not a recorded notification, or differs from it. */
  phantoms: string[];
  /** A stream's notification arriving after a later one of the same stream had arrived. */
  outOfOrder: string[];
  /** Arrivals of a notification after a receiver had acknowledged it (crash recovery may cause these). */
  resentAfterAck: string[];
  delivered: number;
  givenUp: number;
}

/**
 * Checks a run against the delivery engine's promises (docs/operations.md, "Notifications"):
 *
 * - none lost: every accepted notification is in the record, DELIVERED or FAILED (given up);
 * - at least once: every DELIVERED one was acknowledged (2xx) by a receiver at least once;
 * - in order per stream: the engine sends a stream's next notification only once the previous
 *   one is delivered or given up, so the arrivals of a stream never go back: the seqs of all
 *   arrivals, duplicates included, are non-decreasing, and so the first arrivals are in order.
 *   A given-up notification leaves a gap, never an inversion;
 * - each arrival is the recorded body, byte-for-byte as JSON.
 */
export function auditDeliveries(accepted: Iterable<string>, record: DeliveryRecord[], arrivals: Arrival[]): DeliveryAudit {
  const byId = new Map(record.map((d) => [d.id, d]));
  const byKey = new Map<string, DeliveryRecord>();
  for (const delivery of record) {
    const tag = tagOf(delivery.body);
    if (tag !== undefined) byKey.set(tag.key, delivery);
  }
  const audit: DeliveryAudit = {
    missing: [],
    pending: [],
    unreceived: [],
    phantoms: [],
    outOfOrder: [],
    resentAfterAck: [],
    delivered: 0,
    givenUp: 0,
  };

  for (const id of accepted) {
    const delivery = byId.get(id);
    if (delivery === undefined) audit.missing.push(id);
    else if (delivery.state === 'PENDING')
      audit.pending.push(`${id} (${tagOf(delivery.body)?.key ?? '?'}, ${delivery.attempts} attempts, ${delivery.lastError ?? ''})`);
  }

  const acked = new Set<string>();
  const lastSeq = new Map<string, { seq: number; at: number }>();
  for (const arrival of arrivals) {
    const delivery = byKey.get(arrival.key);
    if (delivery === undefined) {
      audit.phantoms.push(`${arrival.key} at receiver ${arrival.receiver}${arrival.path}`);
      continue;
    }
    if (!isDeepStrictEqual(JSON.parse(arrival.raw), delivery.body))
      audit.phantoms.push(`${arrival.key}: body differs from the recorded one`);
    if (acked.has(arrival.key)) audit.resentAfterAck.push(`${arrival.key} (${arrival.fault} at receiver ${arrival.receiver})`);
    if (arrival.acked) acked.add(arrival.key);
    if (arrival.stream !== undefined && arrival.seq !== undefined) {
      const last = lastSeq.get(arrival.stream);
      if (last !== undefined && arrival.seq < last.seq) {
        audit.outOfOrder.push(`${arrival.stream}: #${arrival.seq} arrived ${arrival.at - last.at} ms after #${last.seq}`);
      }
      if (last === undefined || arrival.seq >= last.seq) lastSeq.set(arrival.stream, { seq: arrival.seq, at: arrival.at });
    }
  }

  for (const delivery of record) {
    if (delivery.state === 'DELIVERED') {
      audit.delivered += 1;
      const tag = tagOf(delivery.body);
      if (tag === undefined || !acked.has(tag.key)) audit.unreceived.push(`${delivery.id} (${tag?.key ?? 'untagged'})`);
    } else if (delivery.state === 'FAILED') {
      audit.givenUp += 1;
    }
  }
  return audit;
}

/** Reads the whole delivery record of a server. */
export async function readDeliveries(apiRoot: string): Promise<DeliveryRecord[]> {
  const response = await fetch(`${apiRoot}/sim/v1/deliveries`);
  if (response.status !== 200) throw new Error(`GET /sim/v1/deliveries answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as DeliveryRecord[];
}

/** Resolves once the server has no pending notification, or throws after `ms`. */
export async function untilSettled(apiRoot: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const pending = await fetch(`${apiRoot}/sim/v1/deliveries?state=PENDING`).then(
      async (r) => (r.ok ? ((await r.json()) as unknown[]).length : Number.NaN),
      () => Number.NaN,
    );
    if (pending === 0) return;
    if (Date.now() > until) throw new Error(`notifications still pending after ${ms} ms (${pending})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
