import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { afterAll, describe, expect, it } from 'vitest';
import { openLmdbStore } from '../../../src/store/lmdb/lmdb-store.js';
import { StoreVersionError } from '../../../src/store/store-errors.js';

// Stores written by earlier versions, every one of which landed on main: what this version reads,
// and what it refuses (with the one StoreVersionError, without writing anything).

const root = await mkdtemp(join(tmpdir(), 'mmtel-lmdb-layout-'));
afterAll(() => rm(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `d${++dirs}`);

/** Opens the environment at `path` raw, runs `write` in one transaction, closes it. */
async function writeRaw(path: string, write: (env: RootDatabase) => void): Promise<void> {
  const env = open({ path, maxDbs: 12, encoding: 'json' });
  await env.transaction(() => write(env));
  await env.close();
}

/** The names of the environment's databases. */
async function databaseNames(path: string): Promise<string[]> {
  const env = open({ path, maxDbs: 12, encoding: 'json' });
  const names = [...env.getKeys()].map(String);
  await env.close();
  return names;
}

const note = { stream: 'a', callback: 'imsSessionNotification', target: 'http://af.example/notify', body: { n: 1 } };

describe('LMDB store layouts of earlier versions', () => {
  it.each([
    ['layout 1 (no layout version, 9032763)', { entries: { 'a#1': {} } }, /a layout older than layout versions/],
    ['a later layout version', { meta: { layout: 3 } }, /\(layout version 3\); this version reads layout version 2/],
    [
      'layout 2 with JSON state records (6da87cf)',
      { meta: { layout: 2 }, states: { id1: { stream: 'a', seq: 1, state: 'pending' } } },
      /JSON state records/,
    ],
  ])('refuses %s with StoreVersionError and leaves it as it was', async (_name, databases, message) => {
    const path = freshDir();
    await writeRaw(path, (env) => {
      for (const [name, records] of Object.entries(databases)) {
        const db = env.openDB({ name, encoding: 'json' });
        for (const [key, value] of Object.entries(records)) void db.put(key, value);
      }
    });
    const before = await databaseNames(path);
    const opening = openLmdbStore({ path });
    await expect(opening).rejects.toBeInstanceOf(StoreVersionError);
    await expect(opening).rejects.toThrow(message);
    expect(await databaseNames(path)).toEqual(before);
  });

  it('releases at open a lease stored by the versions that stored them (17983a9 to 81d4792)', async () => {
    const path = freshDir();
    const store = await openLmdbStore({ path });
    const [a1, a2] = await store.outbox.enqueue([note, { ...note, body: { n: 2 } }]);
    await store.close();
    // What those versions left after a claim: the lease in the state record (flags, expiry,
    // owner), and the head keyed in `ready` by the lease's expiry.
    const leaseUntil = Date.now() + 60_000;
    await writeRaw(path, (env) => {
      const states = env.openDB<Buffer, string>({ name: 'states', encoding: 'binary' });
      const ready = env.openDB<string, [number, string]>({ name: 'ready', encoding: 'string' });
      const plain = Buffer.from(states.get(a1!.id)!);
      void states.put(a1!.id, withStoredLease(plain, 'dead-process', leaseUntil));
      void ready.remove([a1!.nextAttemptAt, 'a']);
      void ready.put([leaseUntil, 'a'], a1!.id);
    });

    const again = await openLmdbStore({ path });
    try {
      expect(await again.outbox.get(a1!.id)).toEqual(a1);
      const claimed = await again.outbox.claim({ owner: 'i2', now: Date.now(), limit: 10 });
      expect(claimed.map((entry) => [entry.id, entry.attempts, entry.leaseOwner])).toEqual([[a1!.id, 0, 'i2']]);
      await again.outbox.finish(a1!.id, { state: 'delivered', attempts: 1, target: a1!.target, at: Date.now(), status: 204 });
      expect((await again.outbox.claim({ owner: 'i2', now: Date.now(), limit: 10 })).map((entry) => entry.id)).toEqual([a2!.id]);
    } finally {
      await again.close();
    }
  });
});

/**
 * A state record (format 1) as the versions that stored leases wrote one for a claimed entry:
 * LEASE_OWNER | LEASE_UNTIL set, the expiry at byte 28, the owner after stream and target.
 */
function withStoredLease(plain: Buffer, owner: string, until: number): Buffer {
  expect(plain[0]).toBe(1);
  expect(plain[2]).toBe(0); // a fresh pending record: no optional field
  const record = Buffer.from(plain);
  record[2] = 1 | 2;
  record.writeDoubleLE(until, 28);
  const ownerBytes = Buffer.from(owner, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(ownerBytes.length);
  return Buffer.concat([record, length, ownerBytes]);
}
