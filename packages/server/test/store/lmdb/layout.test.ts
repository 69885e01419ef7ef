import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { afterAll, describe, expect, it } from 'vitest';
import { openLmdbStore } from '../../../src/store/lmdb/lmdb-store.js';
import { stateCodec } from '../../../src/store/lmdb/state-codec.js';
import { stateRecord } from '../../../src/store/lmdb/state-record.js';
import { StoreVersionError } from '../../../src/store/store-errors.js';

// Stores written by earlier versions, every one of which landed on main: what this version reads
// (layout 2, migrated at open), and what it refuses (with the one StoreVersionError, without writing anything).

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
    ['a later layout version', { meta: { layout: 4 } }, /\(layout version 4\); this version reads layout versions 2 and 3/],
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

  it('migrates a layout 2 store at open: pending entries are claimed in their order, with their bodies', async () => {
    const path = freshDir();
    const now = Date.now();
    await writeLayout2(path, [
      { id: 'e1', stream: 'a', seq: 1, state: 'delivered', body: { n: 1 }, at: now - 10 },
      { id: 'e2', stream: 'a', seq: 2, state: 'pending', body: { n: 2, text: 'ü "quoted"' }, at: now - 9 },
      { id: 'e3', stream: 'a', seq: 3, state: 'pending', body: { n: 3 }, at: now - 8 },
      { id: 'e4', stream: 'b', seq: 1, state: 'pending', body: { n: 4 }, at: now - 7, sessionId: 's-b' },
    ]);

    const store = await openLmdbStore({ path });
    try {
      expect(await store.outbox.depth()).toBe(3);
      const first = await store.outbox.claim({ owner: 'i1', now, limit: 10 });
      expect(first.map((entry) => [entry.id, entry.body, entry.sessionId])).toEqual([
        ['e2', { n: 2, text: 'ü "quoted"' }, undefined],
        ['e4', { n: 4 }, 's-b'],
      ]);
      expect(first[0]!.bodyText).toBe('{"n":2,"text":"ü \\"quoted\\""}');
      await store.outbox.finish('e2', { state: 'delivered', attempts: 1, target: TARGET, at: now, status: 204 });
      expect((await store.outbox.claim({ owner: 'i1', now, limit: 10 })).map((entry) => entry.id)).toEqual(['e3']);
      const [added] = await store.outbox.enqueue([{ ...note, stream: 'a' }]);
      expect(added!.seq).toBe(4);
    } finally {
      await store.close();
    }
  });

  it('migrates a layout 2 store at open: finished entries stay listed and the layout 2 heads are gone', async () => {
    const path = freshDir();
    const now = Date.now();
    await writeLayout2(path, [
      { id: 'e1', stream: 'a', seq: 1, state: 'delivered', body: { n: 1 }, at: now - 10 },
      { id: 'e2', stream: 'a', seq: 2, state: 'pending', body: { n: 2 }, at: now - 9 },
    ]);

    const store = await openLmdbStore({ path });
    try {
      expect((await store.outbox.list()).map((entry) => [entry.id, entry.state, entry.body])).toEqual([
        ['e1', 'delivered', { n: 1 }],
        ['e2', 'pending', { n: 2 }],
      ]);
    } finally {
      await store.close();
    }
    const env = open({ path, maxDbs: 12, encoding: 'json' });
    try {
      expect(env.openDB({ name: 'meta', encoding: 'json' }).get('layout')).toBe(3);
      expect(env.openDB({ name: 'meta', encoding: 'json' }).get('pending')).toBeUndefined();
      expect([...env.openDB({ name: 'ready', encoding: 'string' }).getKeys({})]).toEqual([]);
    } finally {
      await env.close();
    }
  });

  it('releases at migration a lease stored by the versions that stored them (17983a9 to 81d4792)', async () => {
    const path = freshDir();
    const now = Date.now();
    // What those versions left after a claim: the lease in the state record (flags, expiry,
    // owner), and the head keyed in `ready` by the lease's expiry.
    await writeLayout2(path, [
      {
        id: 'e1',
        stream: 'a',
        seq: 1,
        state: 'pending',
        body: { n: 1 },
        at: now - 10,
        lease: { owner: 'dead-process', until: now + 60_000 },
      },
      { id: 'e2', stream: 'a', seq: 2, state: 'pending', body: { n: 2 }, at: now - 9 },
    ]);

    const again = await openLmdbStore({ path });
    try {
      expect(await again.outbox.get('e1')).toMatchObject({ id: 'e1', state: 'pending', attempts: 0 });
      expect((await again.outbox.get('e1'))!.leaseOwner).toBeUndefined();
      const claimed = await again.outbox.claim({ owner: 'i2', now: Date.now(), limit: 10 });
      expect(claimed.map((entry) => [entry.id, entry.attempts, entry.leaseOwner])).toEqual([['e1', 0, 'i2']]);
      await again.outbox.finish('e1', { state: 'delivered', attempts: 1, target: TARGET, at: Date.now(), status: 204 });
      expect((await again.outbox.claim({ owner: 'i2', now: Date.now(), limit: 10 })).map((entry) => entry.id)).toEqual(['e2']);
    } finally {
      await again.close();
    }
  });
});

const TARGET = 'http://af.example/notify';

/** An outbox entry of a layout 2 fixture. */
interface Layout2Entry {
  id: string;
  stream: string;
  seq: number;
  state: 'pending' | 'delivered';
  body: unknown;
  /** Created (and due) at; finished at, when delivered. */
  at: number;
  sessionId?: string;
  lease?: { owner: string; until: number };
}

/**
 * A store as layout 2 wrote it (before layout 3 moved what is pending into memory):
 * bodies as JSON values, the heads in `ready`, a `pending` counter and flag per stream.
 */
async function writeLayout2(path: string, entries: Layout2Entry[]): Promise<void> {
  await writeRaw(path, (env) => {
    const meta = env.openDB({ name: 'meta', encoding: 'json' });
    const bodies = env.openDB({ name: 'bodies', encoding: 'json' });
    const states = env.openDB<Buffer, string>({ name: 'states', encoding: 'binary' });
    const seqs = env.openDB<string, [string, number]>({ name: 'seqs', encoding: 'string' });
    const streams = env.openDB({ name: 'streams', encoding: 'json' });
    const ready = env.openDB<string, [number, string]>({ name: 'ready', encoding: 'string' });
    const finished = env.openDB<string, [number, string]>({ name: 'finished', encoding: 'string' });
    void meta.put('layout', 2);
    void meta.put('pending', entries.filter((entry) => entry.state === 'pending').length);
    const last = new Map<string, { last: number; pending: boolean }>();
    for (const entry of entries) {
      const pending = entry.state === 'pending';
      void bodies.put(entry.id, {
        callback: 'imsSessionNotification',
        body: entry.body,
        createdAt: entry.at,
        ...(entry.sessionId !== undefined && { sessionId: entry.sessionId }),
      });
      const record = stateRecord(
        entry.stream,
        entry.seq,
        entry.state,
        pending ? 0 : 1,
        entry.at,
        TARGET,
        pending ? undefined : 204,
        undefined,
        pending ? undefined : entry.at,
      );
      const plain = stateCodec.encode(record);
      void states.put(entry.id, entry.lease === undefined ? plain : withStoredLease(plain, entry.lease.owner, entry.lease.until));
      void seqs.put([entry.stream, entry.seq], entry.id);
      if (!pending) void finished.put([entry.at, entry.id], '1');
      const stream = last.get(entry.stream) ?? { last: 0, pending: false };
      if (pending && !stream.pending) void ready.put([entry.lease?.until ?? entry.at, entry.stream], entry.id);
      last.set(entry.stream, { last: entry.seq, pending: stream.pending || pending });
    }
    for (const [stream, record] of last) void streams.put(stream, record);
  });
}

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
