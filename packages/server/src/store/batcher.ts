/** Options of {@link createBatcher}. */
export interface BatcherOptions {
  /** Batches in flight at once; calls made while all are busy wait and form the next batch. */
  slots: number;
  /** Most requests in one batch. */
  maxBatch: number;
  /**
   * Whether a failed batch of several requests certainly changed nothing and may be retried one
   * request at a time, so that one bad request does not fail the others. Default: never.
   */
  retryAlone?: (error: unknown) => boolean;
}

/**
 * Group commit: turns a function that handles many requests in one round trip into a per-request
 * function. Under light load every call is a batch of one (no added latency); under heavy load the
 * calls that arrive while `slots` batches are in flight share the next one.
 */
export function createBatcher<Req, Res>(run: (requests: Req[]) => Promise<Res[]>, options: BatcherOptions): (request: Req) => Promise<Res> {
  interface Waiting {
    request: Req;
    resolve(result: Res): void;
    reject(error: unknown): void;
  }
  const queue: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  const settle = async (batch: Waiting[]): Promise<void> => {
    try {
      const results = await run(batch.map((waiting) => waiting.request));
      batch.forEach((waiting, i) => waiting.resolve(results[i] as Res));
    } catch (error) {
      if (batch.length > 1 && options.retryAlone?.(error) === true) {
        await Promise.all(batch.map((waiting) => settle([waiting])));
        return;
      }
      for (const waiting of batch) waiting.reject(error);
    }
  };

  const drain = (): void => {
    scheduled = false;
    while (inFlight < options.slots && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      inFlight += 1;
      void settle(batch).finally(() => {
        inFlight -= 1;
        drain();
      });
    }
  };

  return (request) =>
    new Promise<Res>((resolve, reject) => {
      queue.push({ request, resolve, reject });
      // Gather the calls of the current tick before sending anything.
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(drain);
      }
    });
}
