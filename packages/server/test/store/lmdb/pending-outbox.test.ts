import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { openLmdbStore } from '../../../src/store/lmdb/lmdb-store.js';

// The LMDB outbox keeps what is pending in memory (pending-index.ts) and indexes an enqueued
// entry once its enqueue is durable: what runs between its commit and then must still see it.

const root = await mkdtemp(join(tmpdir(), 'mmtel-lmdb-pending-'));
afterAll(() => rm(root, { recursive: true, force: true }));
let dirs = 0;

async function fresh() {
  const store = await openLmdbStore({ path: join(root, `d${++dirs}`) });
  onTestFinished(() => store.close());
  return store;
}

const note = (n: number) => ({ stream: 'a', callback: 'imsSessionNotification', target: 'http://as.example/old', body: { n } });

describe('the LMDB outbox between an enqueue commit and its fsync', () => {
  it('retargets an entry whose enqueue is committed but not yet durable (a 308 racing an enqueue)', async () => {
    const store = await fresh();
    const enqueued = store.outbox.enqueue([note(1)]);
    // Queued after the enqueue's transaction: it runs once that is committed, before its fsync resolves.
    const moved = await store.outbox.retarget('a', 'http://as.example/old', 'http://as.example/new');
    const [entry] = await enqueued;
    expect(moved).toBe(1);
    expect((await store.outbox.get(entry!.id))?.target).toBe('http://as.example/new');
  });

  it('makes the entries of concurrent enqueues of a stream claimable in seq order', async () => {
    const store = await fresh();
    const all = await Promise.all([store.outbox.enqueue([note(1)]), store.outbox.enqueue([note(2)]), store.outbox.enqueue([note(3)])]);
    const claimed: number[] = [];
    for (;;) {
      const [entry] = await store.outbox.claim({ owner: 'i1', now: Date.now(), limit: 10 });
      if (entry === undefined) break;
      claimed.push(entry.seq);
      await store.outbox.finish(entry.id, { state: 'delivered', attempts: 1, target: entry.target, at: Date.now(), status: 204 });
    }
    expect(claimed).toEqual([1, 2, 3]);
    expect(all.map(([entry]) => entry!.seq)).toEqual([1, 2, 3]);
  });
});
