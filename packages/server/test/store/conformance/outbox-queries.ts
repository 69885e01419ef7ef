import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../../src/store/store.js';
import { claimAll, type ConformanceContext, delivered, note, TARGET } from './fixtures.js';

/** The outbox around delivery: retarget, list, depth, next due time, prune, ping. */
export function describeOutboxQueries({ fresh }: ConformanceContext): void {
  describe('outbox queries and maintenance', () => {
    it('retargets only the pending entries of the stream that had the old target', async () => {
      const { store } = await fresh();
      const [a1, a2, a3, a4, b1] = await store.outbox.enqueue([
        note('a', 1),
        note('a', 2),
        note('a', 3),
        note('a', 4, { target: 'http://af.example/else' }),
        note('b', 1),
      ]);
      await claimAll(store, 'i1');
      await store.outbox.finish(a1?.id ?? '', delivered(a1, Date.now()));
      expect(await store.outbox.retarget('a', TARGET, 'http://af.example/new')).toBe(2);
      const targets = await Promise.all([a1, a2, a3, a4, b1].map(async (e) => (await store.outbox.get(e?.id ?? ''))?.target));
      expect(targets).toEqual([TARGET, 'http://af.example/new', 'http://af.example/new', 'http://af.example/else', TARGET]);
    });

    it('answers 0 when retargeting a stream with nothing pending', async () => {
      const { store } = await fresh();
      expect(await store.outbox.retarget('nope', TARGET, 'http://af.example/new')).toBe(0);
    });

    it('lists entries in stream then seq order', async () => {
      const { store } = await fresh();
      await store.outbox.enqueue([note('session:b', 1), note('callevent', 1)]);
      await store.outbox.enqueue([note('session:a', 1), note('session:b', 2), note('callevent', 2)]);
      const listed = await store.outbox.list();
      expect(listed.map(({ stream, seq }) => `${stream}#${seq}`)).toEqual([
        'callevent#1',
        'callevent#2',
        'session:a#1',
        'session:b#1',
        'session:b#2',
      ]);
    });

    it('lists the entries of one stream, of one state, or both', async () => {
      const { store } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1), note('a', 2), note('b', 1)]);
      await claimAll(store, 'i1');
      await store.outbox.finish(a1?.id ?? '', delivered(a1, Date.now()));
      const key = (entries: OutboxEntry[]) => entries.map(({ stream, seq }) => `${stream}#${seq}`);
      expect(key(await store.outbox.list({ stream: 'a' }))).toEqual(['a#1', 'a#2']);
      expect(key(await store.outbox.list({ state: 'pending' }))).toEqual(['a#2', 'b#1']);
      expect(key(await store.outbox.list({ stream: 'a', state: 'delivered' }))).toEqual(['a#1']);
      expect(await store.outbox.list({ stream: 'c' })).toEqual([]);
    });

    it('counts pending entries as the depth, leased or not', async () => {
      const { store } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1), note('a', 2), note('b', 1)]);
      await claimAll(store, 'i1');
      await store.outbox.finish(a1?.id ?? '', delivered(a1, Date.now()));
      expect(await store.outbox.depth()).toBe(2);
    });

    it('answers no next due time when nothing is pending', async () => {
      const { store } = await fresh();
      expect(await store.outbox.nextDueAt()).toBeUndefined();
      const [a1] = await store.outbox.enqueue([note('a', 1)]);
      await claimAll(store, 'i1');
      await store.outbox.finish(a1?.id ?? '', delivered(a1, Date.now()));
      expect(await store.outbox.nextDueAt()).toBeUndefined();
    });

    it('answers as next due time the earliest moment a stream head becomes claimable', async () => {
      const { store } = await fresh();
      const [a1, , b1] = await store.outbox.enqueue([note('a', 1), note('a', 2), note('b', 1)]);
      const now = Date.now();
      await store.outbox.claim({ owner: 'i1', now, limit: 10, leaseMs: 90_000 });
      // a1 is leased until now + 90 s; a2 waits behind it, whatever its own nextAttemptAt.
      await store.outbox.retry(b1?.id ?? '', { attempts: 1, nextAttemptAt: now + 60_000, target: TARGET });
      expect(await store.outbox.nextDueAt()).toBe(now + 60_000);
      await store.outbox.retry(a1?.id ?? '', { attempts: 1, nextAttemptAt: now + 30_000, target: TARGET });
      expect(await store.outbox.nextDueAt()).toBe(now + 30_000);
    });

    it('prunes entries finished before the cut-off and keeps the rest', async () => {
      const { store } = await fresh();
      const [a1, a2, a3] = await store.outbox.enqueue([note('a', 1), note('a', 2), note('a', 3)]);
      await claimAll(store, 'i1');
      await store.outbox.finish(a1?.id ?? '', delivered(a1, 1_000));
      await claimAll(store, 'i1');
      await store.outbox.finish(a2?.id ?? '', { ...delivered(a2, 2_000), state: 'failed' });
      expect(await store.outbox.prune(2_000)).toBe(1);
      expect(await store.outbox.get(a1?.id ?? '')).toBeUndefined();
      expect((await store.outbox.list()).map((entry) => entry.id)).toEqual([a2?.id, a3?.id]);
      expect(await store.outbox.prune(2_001)).toBe(1);
      expect((await store.outbox.list()).map((entry) => entry.id)).toEqual([a3?.id]);
    });

    it('never reuses the seq of pruned entries', async () => {
      const { store } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1)]);
      await claimAll(store, 'i1');
      await store.outbox.finish(a1?.id ?? '', delivered(a1, 1_000));
      await store.outbox.prune(Date.now());
      const [a2] = await store.outbox.enqueue([note('a', 2)]);
      expect(a2?.seq).toBe(2);
    });

    it('answers ping on an open store', async () => {
      const { store } = await fresh();
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
