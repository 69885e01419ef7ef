import type { RootDatabase } from 'lmdb';

/** Writes that share LMDB commits; see createCommitQueue. */
export interface CommitQueue {
  /** Runs `write` inside the next shared transaction; resolves with its result once committed. */
  submit<T>(write: () => T): Promise<T>;
  /** Starts the transaction of what is queued now instead of at the end of the event-loop turn. */
  flush(): void;
}

/** A write waiting for the next commit. */
interface Queued {
  run(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the outbox outcomes (finish, retry): one transaction callback per commit runs
 * every write queued since the previous one, in call order, then `beforeCommit` once (the outbox
 * writes its pending counter there). A write that throws rejects alone; the others still commit.
 * The callback waits for the end of the event-loop turn (setImmediate), so that the outcomes of
 * the responses read in one turn share a commit (the engine records them one entry at a time),
 * and takes whatever was queued until lmdb-js runs it.
 */
export function createCommitQueue(root: RootDatabase, beforeCommit: () => void): CommitQueue {
  let queued: Queued[] = [];
  /** A transaction is queued whose callback has not run yet: it will take what is queued meanwhile. */
  let transactionQueued = false;
  let delayed: NodeJS.Immediate | undefined;

  const startTransaction = (): void => {
    if (delayed !== undefined) clearImmediate(delayed);
    delayed = undefined;
    transactionQueued = true;
    let batch: Queued[] | undefined;
    const results: unknown[] = [];
    const failures = new Map<Queued, unknown>();
    const run = (): void => {
      transactionQueued = false;
      batch = queued;
      queued = [];
      for (const [i, call] of batch.entries()) {
        try {
          results[i] = call.run();
        } catch (error) {
          failures.set(call, error);
        }
      }
      beforeCommit();
    };
    const settle = (): void => {
      for (const [i, call] of (batch ?? []).entries()) {
        if (failures.has(call)) call.reject(failures.get(call));
        else call.resolve(results[i]);
      }
    };
    const fail = (error: unknown): void => {
      // The callback never ran (the store is closed) or the commit failed.
      if (batch === undefined) {
        transactionQueued = false;
        batch = queued;
        queued = [];
      }
      for (const call of batch) call.reject(error);
    };
    try {
      root.transaction(run).then(settle, fail);
    } catch (error) {
      fail(error);
    }
  };

  return {
    submit: <T>(write: () => T): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        queued.push({ run: write, resolve: resolve as (value: unknown) => void, reject });
        if (transactionQueued) return;
        delayed ??= setImmediate(startTransaction);
      }),
    flush(): void {
      if (delayed !== undefined) startTransaction();
    },
  };
}
