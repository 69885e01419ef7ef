import { describe, expect, it } from 'vitest';
import { claimAll, type ConformanceContext, delivered, note } from './fixtures.js';

/** The outbox as delivery uses it: enqueue, claim and leases, finish and retry. */
export function describeOutboxDelivery({ fresh, close, openElsewhere, options }: ConformanceContext): void {
  describe('outbox enqueue', () => {
    it('creates pending entries with no attempts, due at enqueue time', async () => {
      const { store } = await fresh();
      const before = Date.now();
      const [entry] = await store.outbox.enqueue([note('a', 1, { sessionId: 's1' })]);
      const after = Date.now();
      expect(entry).toMatchObject({ ...note('a', 1, { sessionId: 's1' }), seq: 1, state: 'pending', attempts: 0 });
      expect(entry?.createdAt).toBeGreaterThanOrEqual(before);
      expect(entry?.createdAt).toBeLessThanOrEqual(after);
      expect(entry?.nextAttemptAt).toBe(entry?.createdAt);
      expect(entry).not.toHaveProperty('leaseOwner');
      expect(await store.outbox.get(entry?.id ?? '')).toEqual(entry);
    });

    it('allocates seq from 1 per stream, in the order of the call', async () => {
      const { store } = await fresh();
      const entries = await store.outbox.enqueue([note('a', 1), note('b', 1), note('a', 2)]);
      expect(entries.map(({ stream, seq, body }) => [stream, seq, body])).toEqual([
        ['a', 1, note('a', 1).body],
        ['b', 1, note('b', 1).body],
        ['a', 2, note('a', 2).body],
      ]);
    });

    it('continues a stream seq across calls', async () => {
      const { store } = await fresh();
      await store.outbox.enqueue([note('a', 1), note('a', 2)]);
      const [third] = await store.outbox.enqueue([note('a', 3)]);
      expect(third?.seq).toBe(3);
    });

    it('gives concurrent enqueues to one stream distinct consecutive seqs', async () => {
      const { store } = await fresh();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.outbox.enqueue([note('a', i)])));
      const seqs = results.flat().map((entry) => entry.seq);
      expect(seqs.toSorted((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('gives every entry a unique id that sorts by creation', async () => {
      const { store } = await fresh();
      const first = await store.outbox.enqueue([note('a', 1), note('b', 1), note('a', 2)]);
      const second = await store.outbox.enqueue([note('c', 1)]);
      const ids = [...first, ...second].map((entry) => entry.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.toSorted()).toEqual(ids);
    });

    it('returns nothing for an empty enqueue', async () => {
      const { store } = await fresh();
      expect(await store.outbox.enqueue([])).toEqual([]);
      expect(await store.outbox.depth()).toBe(0);
    });

    it('answers undefined for an unknown entry id', async () => {
      const { store } = await fresh();
      expect(await store.outbox.get('nope')).toBeUndefined();
    });

    it('keeps an enqueued entry across close and reopen', async () => {
      const { store, reopen } = await fresh();
      const [entry] = await store.outbox.enqueue([note('a', 1)]);
      await close(store);
      const again = await reopen();
      expect(await again.outbox.get(entry?.id ?? '')).toEqual(entry);
      const [next] = await again.outbox.enqueue([note('a', 2)]);
      expect(next?.seq).toBe(2);
    });
  });

  describe('outbox claim', () => {
    it('leases due stream heads to the owner until now + leaseMs', async () => {
      const { store } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1)]);
      const now = Date.now();
      const claimed = await store.outbox.claim({ owner: 'i1', now, limit: 10, leaseMs: 30_000 });
      expect(claimed).toEqual([{ ...a1, leaseOwner: 'i1', leaseUntil: now + 30_000 }]);
      expect(await store.outbox.get(a1?.id ?? '')).toEqual(claimed[0]);
    });

    it("leases for the store's lease when the claim names none, 90 s unless the store was opened with another", async () => {
      const { store } = await fresh();
      expect(store.outbox.leaseMs).toBe(90_000);
      const { store: short } = await fresh({ leaseMs: 4_000 });
      expect(short.outbox.leaseMs).toBe(4_000);
      const [a1] = await short.outbox.enqueue([note('a', 1)]);
      const now = Date.now();
      const [claimed] = await short.outbox.claim({ owner: 'i1', now, limit: 10 });
      expect(claimed).toEqual({ ...a1, leaseOwner: 'i1', leaseUntil: now + 4_000 });
      expect(await short.outbox.claim({ owner: 'i2', now: now + 3_999, limit: 10 })).toEqual([]);
      expect((await short.outbox.claim({ owner: 'i2', now: now + 4_000, limit: 10 })).map((e) => e.id)).toEqual([a1?.id]);
    });

    it('refuses a lease that is not a whole number of ms from 1', async () => {
      for (const leaseMs of [0, -1, 1.5, Number.NaN]) await expect(openElsewhere({ leaseMs })).rejects.toThrow(RangeError);
    });

    it('returns only the oldest pending entry of each stream', async () => {
      const { store } = await fresh();
      await store.outbox.enqueue([note('a', 1), note('a', 2), note('b', 1), note('b', 2)]);
      const claimed = await claimAll(store, 'i1');
      expect(claimed.map(({ stream, seq }) => [stream, seq]).toSorted()).toEqual([
        ['a', 1],
        ['b', 1],
      ]);
    });

    it('returns no more entries than the limit', async () => {
      const { store } = await fresh();
      await store.outbox.enqueue(['a', 'b', 'c', 'd'].map((stream) => note(stream, 1)));
      const claimed = await store.outbox.claim({ owner: 'i1', now: Date.now(), limit: 3, leaseMs: 30_000 });
      expect(claimed).toHaveLength(3);
      expect(await claimAll(store, 'i1')).toHaveLength(1);
    });

    it('skips entries that are not due yet', async () => {
      const { store } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1)]);
      await claimAll(store, 'i1');
      const later = Date.now() + 60_000;
      await store.outbox.retry(a1?.id ?? '', { attempts: 1, nextAttemptAt: later, target: a1?.target ?? '' });
      expect(await claimAll(store, 'i1', later - 1)).toEqual([]);
      expect((await claimAll(store, 'i1', later)).map((entry) => entry.id)).toEqual([a1?.id]);
    });

    it('does not return a head leased by a live lease, nor anything behind it', async () => {
      const { store } = await fresh();
      await store.outbox.enqueue([note('a', 1), note('a', 2)]);
      const now = Date.now();
      await store.outbox.claim({ owner: 'i1', now, limit: 10, leaseMs: 30_000 });
      expect(await store.outbox.claim({ owner: 'i2', now: now + 29_999, limit: 10, leaseMs: 30_000 })).toEqual([]);
    });

    it('lets another owner claim a head whose lease has expired', async () => {
      const { store } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1), note('a', 2)]);
      const now = Date.now();
      await store.outbox.claim({ owner: 'i1', now, limit: 10, leaseMs: 1_000 });
      const reclaimed = await store.outbox.claim({ owner: 'i2', now: now + 1_000, limit: 10, leaseMs: 1_000 });
      expect(reclaimed.map(({ id, leaseOwner, leaseUntil }) => ({ id, leaseOwner, leaseUntil }))).toEqual([
        { id: a1?.id, leaseOwner: 'i2', leaseUntil: now + 2_000 },
      ]);
    });

    it('never hands the same entry to two racing claims', async () => {
      const { store } = await fresh();
      await store.outbox.enqueue(Array.from({ length: 20 }, (_, i) => note(`s${i}`, 1)));
      const now = Date.now();
      const batches = await Promise.all(
        ['i1', 'i2', 'i3', 'i4'].map((owner) => store.outbox.claim({ owner, now, limit: 10, leaseMs: 30_000 })),
      );
      const ids = batches.flat().map((entry) => entry.id);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
    });

    it.runIf(options.multiInstance)('never hands the same entry to two store instances claiming at once', async () => {
      const { store, reopen } = await fresh();
      const other = await reopen();
      await store.outbox.enqueue(Array.from({ length: 30 }, (_, i) => note(`s${i % 15}`, i)));
      const now = Date.now();
      const seen = new Set<string>();
      // Several rounds: each claims, then finishes, so the second entry of every stream is raced too.
      for (let round = 0; round < 3; round++) {
        const batches = await Promise.all(
          [store, other, store, other].map((s, i) => s.outbox.claim({ owner: `i${i}`, now, limit: 8, leaseMs: 30_000 })),
        );
        const ids = batches.flat().map((entry) => entry.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) {
          expect(seen.has(id)).toBe(false);
          seen.add(id);
        }
        await Promise.all(batches.flat().map((entry) => other.outbox.finish(entry.id, delivered(entry, now))));
      }
      expect(seen.size).toBe(30);
    });

    it.runIf(options.multiInstance)('allocates distinct seqs to two store instances enqueueing to one stream', async () => {
      const { store, reopen } = await fresh();
      const other = await reopen();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).outbox.enqueue([note('a', i), note('b', i)])),
      );
      for (const stream of ['a', 'b']) {
        const seqs = results
          .flat()
          .filter((e) => e.stream === stream)
          .map((e) => e.seq);
        expect(seqs.toSorted((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      }
      const heads = await claimAll(store, 'i1');
      expect(heads.map(({ stream, seq }) => [stream, seq]).toSorted()).toEqual([
        ['a', 1],
        ['b', 1],
      ]);
    });

    it.runIf(!options.multiInstance)('releases the leases of the process that held the store before, at reopen', async () => {
      const { store, reopen } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1), note('a', 2)]);
      const now = Date.now();
      await store.outbox.claim({ owner: 'i1', now, limit: 10, leaseMs: 60_000 });
      await close(store);
      const again = await reopen();
      const reclaimed = await again.outbox.claim({ owner: 'i2', now, limit: 10, leaseMs: 5_000 });
      expect(reclaimed.map((entry) => [entry.id, entry.attempts])).toEqual([[a1?.id, 0]]);
    });

    it.runIf(options.multiInstance)('keeps leases and stream order across close and reopen', async () => {
      const { store, reopen } = await fresh();
      const [a1, a2] = await store.outbox.enqueue([note('a', 1), note('a', 2)]);
      const now = Date.now();
      await store.outbox.claim({ owner: 'i1', now, limit: 10, leaseMs: 5_000 });
      await close(store);
      const again = await reopen();
      expect(await again.outbox.claim({ owner: 'i2', now, limit: 10, leaseMs: 5_000 })).toEqual([]);
      const reclaimed = await again.outbox.claim({ owner: 'i2', now: now + 5_000, limit: 10, leaseMs: 5_000 });
      expect(reclaimed.map((entry) => entry.id)).toEqual([a1?.id]);
      await again.outbox.finish(a1?.id ?? '', delivered(a1, now + 5_001));
      expect((await claimAll(again, 'i2', now + 5_002)).map((entry) => entry.id)).toEqual([a2?.id]);
    });
  });

  describe('outbox finish and retry', () => {
    it('records the final outcome and releases the lease', async () => {
      const { store } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1)]);
      await claimAll(store, 'i1');
      await store.outbox.finish(a1?.id ?? '', {
        state: 'failed',
        attempts: 3,
        target: 'http://af.example/moved',
        at: 1_700_000_000_000,
        status: 500,
        error: 'HTTP 500',
      });
      const stored = await store.outbox.get(a1?.id ?? '');
      expect(stored).toEqual({
        ...a1,
        state: 'failed',
        attempts: 3,
        target: 'http://af.example/moved',
        finishedAt: 1_700_000_000_000,
        lastStatus: 500,
        lastError: 'HTTP 500',
      });
    });

    it('makes the next entry of the stream claimable once the head is finished', async () => {
      const { store } = await fresh();
      const [a1, a2] = await store.outbox.enqueue([note('a', 1), note('a', 2), note('a', 3)]);
      await claimAll(store, 'i1');
      await store.outbox.finish(a1?.id ?? '', delivered(a1, Date.now()));
      expect((await claimAll(store, 'i1')).map((entry) => entry.id)).toEqual([a2?.id]);
    });

    it('schedules another attempt, records the last outcome and releases the lease', async () => {
      const { store } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1)]);
      await claimAll(store, 'i1');
      await store.outbox.retry(a1?.id ?? '', {
        attempts: 1,
        nextAttemptAt: 1_900_000_000_000,
        target: 'http://af.example/other',
        status: 503,
        error: 'HTTP 503',
      });
      expect(await store.outbox.get(a1?.id ?? '')).toEqual({
        ...a1,
        attempts: 1,
        nextAttemptAt: 1_900_000_000_000,
        target: 'http://af.example/other',
        lastStatus: 503,
        lastError: 'HTTP 503',
      });
    });

    it('keeps a retried head in front of the rest of its stream', async () => {
      const { store } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1), note('a', 2)]);
      await claimAll(store, 'i1');
      const later = Date.now() + 60_000;
      await store.outbox.retry(a1?.id ?? '', { attempts: 1, nextAttemptAt: later, target: a1?.target ?? '' });
      expect(await claimAll(store, 'i1', later - 1)).toEqual([]);
      expect((await claimAll(store, 'i1', later)).map((entry) => entry.id)).toEqual([a1?.id]);
    });

    it('does not reopen a finished entry on a late retry or finish', async () => {
      const { store } = await fresh();
      const [a1] = await store.outbox.enqueue([note('a', 1), note('a', 2)]);
      await claimAll(store, 'i1');
      await store.outbox.finish(a1?.id ?? '', delivered(a1, 1_000));
      const done = await store.outbox.get(a1?.id ?? '');
      await store.outbox.retry(a1?.id ?? '', { attempts: 2, nextAttemptAt: 0, target: 'x' });
      await store.outbox.finish(a1?.id ?? '', { state: 'failed', attempts: 9, target: 'y', at: 2_000 });
      expect(await store.outbox.get(a1?.id ?? '')).toEqual(done);
      expect(await store.outbox.depth()).toBe(1);
    });
  });
}
