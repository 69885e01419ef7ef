import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../src/store/batcher.js';

/** A batch runner that records the batches it was given and answers when told to. */
function recorder() {
  const batches: number[][] = [];
  const pending: Array<() => void> = [];
  const run = (requests: number[]): Promise<number[]> => {
    batches.push(requests);
    return new Promise((resolve) => pending.push(() => resolve(requests.map((n) => n * 10))));
  };
  const release = (): void => {
    for (const done of pending.splice(0)) done();
  };
  return { batches, run, release };
}

describe('createBatcher', () => {
  it('sends the calls of one tick as one batch and answers each call with its own result', async () => {
    const { batches, run, release } = recorder();
    const call = createBatcher(run, { slots: 1, maxBatch: 10 });
    const results = Promise.all([call(1), call(2), call(3)]);
    await Promise.resolve();
    release();
    expect(await results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('gathers the calls made while all slots are busy into the next batch', async () => {
    const { batches, run, release } = recorder();
    const call = createBatcher(run, { slots: 1, maxBatch: 10 });
    const first = call(1);
    await Promise.resolve();
    const later = [call(2), call(3)];
    await Promise.resolve();
    expect(batches).toEqual([[1]]);
    release();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await Promise.all(later)).toEqual([20, 30]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('splits a queue longer than maxBatch', async () => {
    const { batches, run, release } = recorder();
    const call = createBatcher(run, { slots: 2, maxBatch: 2 });
    const results = Promise.all([1, 2, 3].map(call));
    await Promise.resolve();
    release();
    expect(await results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('retries the requests of a failed batch one by one when the error allows it', async () => {
    const seen: number[][] = [];
    const call = createBatcher(
      async (requests: number[]) => {
        seen.push(requests);
        if (requests.includes(2)) throw new Error('bad request 2');
        return requests;
      },
      { slots: 1, maxBatch: 10, retryAlone: () => true },
    );
    const results = await Promise.allSettled([call(1), call(2), call(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(seen).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('fails every request of a failed batch when the error does not allow a retry', async () => {
    const call = createBatcher(
      async (): Promise<number[]> => {
        throw new Error('connection lost');
      },
      { slots: 1, maxBatch: 10, retryAlone: () => false },
    );
    const results = await Promise.allSettled([call(1), call(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
