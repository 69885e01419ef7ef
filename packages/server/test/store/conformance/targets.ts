import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from './fixtures.js';

/** The notification URIs a 308 moved (Store.targets). */
export function describeTargets({ fresh, close, options }: ConformanceContext): void {
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
}
