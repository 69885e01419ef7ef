import { afterEach, describe } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { type ClientTextGap, describeClientText } from './conformance/client-text.js';
import { describeOutboxDelivery } from './conformance/outbox-delivery.js';
import { describeOutboxQueries } from './conformance/outbox-queries.js';
import { describeSessions } from './conformance/sessions.js';
import { describeTargets } from './conformance/targets.js';

/** What a store is opened with besides its place. */
export interface OpenOptions {
  /** The store's lease (its `leaseMs` option); the engine's default when absent. */
  leaseMs?: number;
}

/** What a backend can do beyond the common contract. */
export interface ConformanceOptions {
  /** Several Store instances may open the same place at once (several server processes). */
  multiInstance: boolean;
  /** Cases the engine is known to fail: they run as `it.fails`, so that a fix shows. */
  knownGaps?: readonly ClientTextGap[];
}

/**
 * The behaviour every `Store` backend must show. `open(place, options)` opens the store kept at
 * `place`: a place not seen before is empty, and opening a place again (after `close`) finds its
 * data. The cases are in conformance/, one file per part of the contract.
 */
export function describeStoreConformance(
  name: string,
  open: (place: string, options?: OpenOptions) => Promise<Store>,
  options: ConformanceOptions,
): void {
  describe(`${name} store conformance`, () => {
    let places = 0;
    const opened: Store[] = [];

    async function track(opening: Promise<Store>): Promise<Store> {
      const store = await opening;
      opened.push(store);
      return store;
    }

    const context = {
      async fresh(openOptions: OpenOptions = {}) {
        const place = `p${++places}`;
        const store = await track(open(place, openOptions));
        return { store, reopen: () => track(open(place, openOptions)) };
      },
      async close(store: Store) {
        opened.splice(opened.indexOf(store), 1);
        await store.close();
      },
      openElsewhere: (openOptions: OpenOptions = {}) => track(open(`p${++places}`, openOptions)),
      options,
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    describeSessions(context);
    describeOutboxDelivery(context);
    describeTargets(context);
    describeOutboxQueries(context);
    describeClientText(context);
  });
}
