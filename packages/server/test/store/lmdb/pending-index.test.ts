import { describe, expect, it } from 'vitest';
import { PendingIndex } from '../../../src/store/lmdb/pending-index.js';

/** Pops every head due at `now`, as a claim does: [stream, id] pairs. */
function popAll(index: PendingIndex, now: number): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let due = index.popDue(now); due !== undefined; due = index.popDue(now)) out.push([due.stream, due.ref.id]);
  return out;
}

describe('the LMDB outbox pending index', () => {
  it('gives the heads in order of due time, then stream', () => {
    const index = new PendingIndex();
    index.add('b', { id: 'b1', seq: 1, due: 10 });
    index.add('a', { id: 'a1', seq: 1, due: 10 });
    index.add('c', { id: 'c1', seq: 1, due: 5 });
    expect(popAll(index, 10)).toEqual([
      ['c', 'c1'],
      ['a', 'a1'],
      ['b', 'b1'],
    ]);
  });

  it('gives only the head of a stream, and its next entry once the head is removed', () => {
    const index = new PendingIndex();
    index.add('a', { id: 'a1', seq: 1, due: 1 });
    index.add('a', { id: 'a2', seq: 2, due: 1 });
    expect(popAll(index, 5)).toEqual([['a', 'a1']]);
    expect(popAll(index, 5)).toEqual([]);
    index.remove('a', 'a1');
    expect(popAll(index, 5)).toEqual([['a', 'a2']]);
  });

  it('gives nothing that is due later than now', () => {
    const index = new PendingIndex();
    index.add('a', { id: 'a1', seq: 1, due: 100 });
    expect(index.popDue(99)).toBeUndefined();
    expect(index.earliestDue()).toBe(100);
  });

  it('gives a rescheduled head at its new due time', () => {
    const index = new PendingIndex();
    index.add('a', { id: 'a1', seq: 1, due: 1 });
    expect(popAll(index, 1)).toEqual([['a', 'a1']]);
    index.reschedule('a', 'a1', 50);
    expect(popAll(index, 49)).toEqual([]);
    expect(index.earliestDue()).toBe(50);
    expect(popAll(index, 50)).toEqual([['a', 'a1']]);
  });

  it('gives a head again once it is requeued (a lease that lapsed)', () => {
    const index = new PendingIndex();
    index.add('a', { id: 'a1', seq: 1, due: 1 });
    expect(popAll(index, 1)).toEqual([['a', 'a1']]);
    index.requeue('a', 'a1');
    expect(popAll(index, 1)).toEqual([['a', 'a1']]);
  });

  it('orders the entries of a stream by seq whatever order they are added in', () => {
    const index = new PendingIndex();
    index.add('a', { id: 'a2', seq: 2, due: 1 });
    index.add('a', { id: 'a1', seq: 1, due: 1 });
    expect(index.entries('a').map((ref) => ref.id)).toEqual(['a1', 'a2']);
    expect(popAll(index, 1)).toEqual([['a', 'a1']]);
  });

  it('removes an entry behind the head without changing the head', () => {
    const index = new PendingIndex();
    index.add('a', { id: 'a1', seq: 1, due: 1 });
    index.add('a', { id: 'a2', seq: 2, due: 1 });
    index.add('a', { id: 'a3', seq: 3, due: 1 });
    index.remove('a', 'a2');
    expect(index.entries('a').map((ref) => ref.id)).toEqual(['a1', 'a3']);
    expect(popAll(index, 1)).toEqual([['a', 'a1']]);
  });

  it('counts the pending entries', () => {
    const index = new PendingIndex();
    index.add('a', { id: 'a1', seq: 1, due: 1 });
    index.add('a', { id: 'a2', seq: 2, due: 1 });
    index.add('b', { id: 'b1', seq: 1, due: 1 });
    index.remove('a', 'a1');
    index.remove('b', 'b1');
    expect(index.size).toBe(1);
    expect(index.head('b')).toBeUndefined();
  });

  it('keeps many streams in order through interleaved removals (heap order)', () => {
    const index = new PendingIndex();
    const streams = Array.from({ length: 50 }, (_, i) => `s${String(i).padStart(2, '0')}`);
    for (const [i, stream] of streams.entries()) {
      index.add(stream, { id: `${stream}-1`, seq: 1, due: 100 - i });
      index.add(stream, { id: `${stream}-2`, seq: 2, due: 1 });
    }
    const first = popAll(index, 100);
    expect(first.map(([stream]) => stream)).toEqual([...streams].reverse());
    for (const stream of streams) index.remove(stream, `${stream}-1`);
    expect(popAll(index, 100).map(([, id]) => id)).toEqual(streams.map((stream) => `${stream}-2`));
  });
});
