import { describe, expect, it } from 'vitest';
import { SessionExistsError } from '../../../src/store/store-errors.js';
import { type ConformanceContext, session } from './fixtures.js';

/** Sessions: insert, read, compare-and-set, delete, count, reopen. */
export function describeSessions({ fresh, close }: ConformanceContext): void {
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
      await expect(store.sessions.insertSession(session('s1', { owner: 'other' }))).rejects.toBeInstanceOf(SessionExistsError);
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

    it('deletes a session with its owner named and returns what it removed', async () => {
      const { store } = await fresh();
      await store.sessions.insertSession(session('s1'));
      expect(await store.sessions.deleteSession('s1', 'af-1')).toEqual(session('s1'));
      expect(await store.sessions.getSession('s1')).toBeUndefined();
    });

    it("leaves another owner's session in place when deleting with an owner named", async () => {
      const { store } = await fresh();
      await store.sessions.insertSession(session('s1'));
      expect(await store.sessions.deleteSession('s1', 'af-2')).toBeUndefined();
      expect(await store.sessions.getSession('s1')).toEqual(session('s1'));
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
}
