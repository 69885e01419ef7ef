import { afterEach, describe, expect, it } from 'vitest';
import { SessionExistsError } from '../../src/store/store-errors.js';
import type { NewNotification, OutboxEntry, SessionRecord, Store } from '../../src/store/store.js';

/** What a store is opened with besides its place. */
export interface OpenOptions {
  /** The store's lease (its `leaseMs` option); the engine's default when absent. */
  leaseMs?: number;
}

/** What a backend can do beyond the common contract. */
export interface ConformanceOptions {
  /** Several Store instances may open the same place at once (several server processes). */
  multiInstance: boolean;
}

/**
 * The behaviour every `Store` backend must show. `open(place, options)` opens the store kept at
 * `place`: a place not seen before is empty, and opening a place again (after `close`) finds its data.
 */
export function describeStoreConformance(
  name: string,
  open: (place: string, options?: OpenOptions) => Promise<Store>,
  options: ConformanceOptions,
): void {
  describe(`${name} store conformance`, () => {
    let places = 0;
    const opened: Store[] = [];

    /** A store at a fresh place, closed after the test; `reopen` opens the same place again. */
    async function fresh(openOptions: OpenOptions = {}): Promise<{ store: Store; reopen(): Promise<Store> }> {
      const place = `p${++places}`;
      const store = await track(open(place, openOptions));
      return { store, reopen: () => track(open(place, openOptions)) };
    }

    async function track(opening: Promise<Store>): Promise<Store> {
      const store = await opening;
      opened.push(store);
      return store;
    }

    async function close(store: Store): Promise<void> {
      opened.splice(opened.indexOf(store), 1);
      await store.close();
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    describe('sessions', () => {
      it('returns an inserted session as stored', async () => {
        const { store } = await fresh();
        const record = session('s1');
        await store.sessions.insertSession(record);
        expect(await store.sessions.getSession('s1')).toEqual(record);
      });

      it('answers undefined for an unknown session', async () => {
        const { store } = await fresh();
        expect(await store.sessions.getSession('nope')).toBeUndefined();
      });

      it('rejects a second insert of the same session id', async () => {
        const { store } = await fresh();
        await store.sessions.insertSession(session('s1'));
        await expect(store.sessions.insertSession(session('s1', { owner: 'other' }))).rejects.toBeInstanceOf(
          SessionExistsError,
        );
        expect((await store.sessions.getSession('s1'))?.owner).toBe('af-1');
      });

      it('replaces a session whose stored version is one less', async () => {
        const { store } = await fresh();
        await store.sessions.insertSession(session('s1'));
        const next = session('s1', { version: 2, features: '3', updatedAt: '2025-01-01T00:01:00.000Z' });
        expect(await store.sessions.replaceSession(next)).toBe(true);
        expect(await store.sessions.getSession('s1')).toEqual(next);
      });

      it('refuses a replace built on a stale version and keeps the stored session', async () => {
        const { store } = await fresh();
        await store.sessions.insertSession(session('s1'));
        expect(await store.sessions.replaceSession(session('s1', { version: 2 }))).toBe(true);
        expect(await store.sessions.replaceSession(session('s1', { version: 2, features: 'f' }))).toBe(false);
        expect(await store.sessions.getSession('s1')).toEqual(session('s1', { version: 2 }));
      });

      it('lets exactly one of two concurrent replaces of the same version win', async () => {
        const { store } = await fresh();
        await store.sessions.insertSession(session('s1'));
        const results = await Promise.all([
          store.sessions.replaceSession(session('s1', { version: 2, features: 'a' })),
          store.sessions.replaceSession(session('s1', { version: 2, features: 'b' })),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.sessions.getSession('s1'))?.features).toBe(results[0] ? 'a' : 'b');
      });

      it('answers false when replacing a session that is gone', async () => {
        const { store } = await fresh();
        expect(await store.sessions.replaceSession(session('s1', { version: 2 }))).toBe(false);
        expect(await store.sessions.getSession('s1')).toBeUndefined();
      });

      it('deletes a session and returns what it removed', async () => {
        const { store } = await fresh();
        await store.sessions.insertSession(session('s1'));
        expect(await store.sessions.deleteSession('s1')).toEqual(session('s1'));
        expect(await store.sessions.getSession('s1')).toBeUndefined();
      });

      it('answers undefined when deleting a session that does not exist', async () => {
        const { store } = await fresh();
        expect(await store.sessions.deleteSession('nope')).toBeUndefined();
      });

      it('counts the stored sessions', async () => {
        const { store } = await fresh();
        expect(await store.sessions.countSessions()).toBe(0);
        await store.sessions.insertSession(session('s1'));
        await store.sessions.insertSession(session('s2'));
        await store.sessions.insertSession(session('s3'));
        await store.sessions.deleteSession('s2');
        expect(await store.sessions.countSessions()).toBe(2);
      });

      it('keeps sessions across close and reopen', async () => {
        const { store, reopen } = await fresh();
        await store.sessions.insertSession(session('s1'));
        await close(store);
        const again = await reopen();
        expect(await again.sessions.getSession('s1')).toEqual(session('s1'));
        expect(await again.sessions.countSessions()).toBe(1);
      });
    });

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
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.outbox.enqueue([note('a', i)])),
        );
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

      it('leases for the store\'s lease when the claim names none, 90 s unless the store was opened with another', async () => {
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
        for (const leaseMs of [0, -1, 1.5, Number.NaN]) await expect(open(`bad-lease-${++places}`, { leaseMs })).rejects.toThrow(RangeError);
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
            [store, other, store, other].map((s, i) =>
              s.outbox.claim({ owner: `i${i}`, now, limit: 8, leaseMs: 30_000 }),
            ),
          );
          const ids = batches.flat().map((entry) => entry.id);
          expect(new Set(ids).size).toBe(ids.length);
          for (const id of ids) {
            expect(seen.has(id)).toBe(false);
            seen.add(id);
          }
          await Promise.all(
            batches.flat().map((entry) => other.outbox.finish(entry.id, delivered(entry, now))),
          );
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
          const seqs = results.flat().filter((e) => e.stream === stream).map((e) => e.seq);
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

    describe('moved notification targets', () => {
      const CONFIGURED = 'http://af.example/events';

      it('answers the configured URI while no 308 moved it', async () => {
        const { store } = await fresh();
        expect(await store.targets.currentTarget('callevent', CONFIGURED)).toBe(CONFIGURED);
      });

      it('moves the target away from the configured URI and keeps it across close and reopen', async () => {
        const { store, reopen } = await fresh();
        expect(await store.targets.moveTarget('callevent', CONFIGURED, CONFIGURED, 'http://af.example/new')).toBe(true);
        expect(await store.targets.currentTarget('callevent', CONFIGURED)).toBe('http://af.example/new');
        await close(store);
        const again = await reopen();
        expect(await again.targets.currentTarget('callevent', CONFIGURED)).toBe('http://af.example/new');
      });

      it('moves it on from where it went, but not from a URI it no longer has', async () => {
        const { store } = await fresh();
        await store.targets.moveTarget('callevent', CONFIGURED, CONFIGURED, 'http://af.example/b');
        expect(await store.targets.moveTarget('callevent', CONFIGURED, CONFIGURED, 'http://af.example/c')).toBe(false);
        expect(await store.targets.moveTarget('callevent', CONFIGURED, 'http://af.example/x', 'http://af.example/c')).toBe(false);
        expect(await store.targets.currentTarget('callevent', CONFIGURED)).toBe('http://af.example/b');
        expect(await store.targets.moveTarget('callevent', CONFIGURED, 'http://af.example/b', 'http://af.example/c')).toBe(true);
        expect(await store.targets.currentTarget('callevent', CONFIGURED)).toBe('http://af.example/c');
      });

      it('does not apply a move made for another configured URI, and lets the new one move', async () => {
        const { store } = await fresh();
        await store.targets.moveTarget('callevent', CONFIGURED, CONFIGURED, 'http://af.example/b');
        const reconfigured = 'http://af.example/reconfigured';
        expect(await store.targets.currentTarget('callevent', reconfigured)).toBe(reconfigured);
        expect(await store.targets.moveTarget('callevent', reconfigured, 'http://af.example/b', 'http://af.example/c')).toBe(false);
        expect(await store.targets.moveTarget('callevent', reconfigured, reconfigured, 'http://af.example/d')).toBe(true);
        expect(await store.targets.currentTarget('callevent', reconfigured)).toBe('http://af.example/d');
        expect(await store.targets.currentTarget('callevent', CONFIGURED)).toBe(CONFIGURED);
      });

      it('keeps the targets of different names apart', async () => {
        const { store } = await fresh();
        await store.targets.moveTarget('one', CONFIGURED, CONFIGURED, 'http://af.example/one');
        expect(await store.targets.currentTarget('two', CONFIGURED)).toBe(CONFIGURED);
      });

      it('lets exactly one of two concurrent moves from the same URI win', async () => {
        const { store } = await fresh();
        const results = await Promise.all(
          ['http://af.example/a', 'http://af.example/b'].map((to) => store.targets.moveTarget('callevent', CONFIGURED, CONFIGURED, to)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.targets.currentTarget('callevent', CONFIGURED)).toBe(results[0] ? 'http://af.example/a' : 'http://af.example/b');
      });

      it.runIf(options.multiInstance)('shows a move made through one store instance to another', async () => {
        const { store, reopen } = await fresh();
        const other = await reopen();
        await store.targets.moveTarget('callevent', CONFIGURED, CONFIGURED, 'http://af.example/new');
        expect(await other.targets.currentTarget('callevent', CONFIGURED)).toBe('http://af.example/new');
        expect(await other.targets.moveTarget('callevent', CONFIGURED, CONFIGURED, 'http://af.example/other')).toBe(false);
      });
    });

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
        expect(targets).toEqual([
          TARGET,
          'http://af.example/new',
          'http://af.example/new',
          'http://af.example/else',
          TARGET,
        ]);
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
  });
}

const TARGET = 'http://af.example/notify';

function note(stream: string, n: number, extra: Partial<NewNotification> = {}): NewNotification {
  return { stream, callback: 'imsSessionNotification', target: TARGET, body: { n, nested: [n, 'x'] }, ...extra };
}

function session(sessionId: string, changes: Partial<SessionRecord> = {}): SessionRecord {
  return {
    sessionId,
    owner: 'af-1',
    session: {
      callingParty: 'tel:+15550001',
      calledParty: 'sip:bob@ims.example',
      notifUri: 'http://af.example/notify',
      mediaComponents: { m1: { mediaId: 'm1', mediaType: 'AUDIO', codecs: ['AMR-WB'] } },
      sessionId,
      sessionState: 'INITIATING',
    },
    features: '1',
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...changes,
  };
}

function delivered(entry: OutboxEntry | undefined, at: number) {
  return { state: 'delivered' as const, attempts: 1, target: entry?.target ?? TARGET, at, status: 204 };
}

/** Claims everything claimable at `now` (default: the current time). */
function claimAll(store: Store, owner: string, now = Date.now()): Promise<OutboxEntry[]> {
  return store.outbox.claim({ owner, now, limit: 100, leaseMs: 30_000 });
}
