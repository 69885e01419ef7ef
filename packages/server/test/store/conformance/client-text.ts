import { describe, expect, it } from 'vitest';
import { claimAll, type ConformanceContext, note, session } from './fixtures.js';

/**
 * Strings a client can send that PostgreSQL text cannot hold as they are: NUL (refused by
 * PostgreSQL), lone surrogates (pg sends UTF-8, which turns them into U+FFFD), and the codec's own
 * marker (stored-text.ts). Every column that holds client input must keep them exactly.
 */
const NUL = [
  ['a NUL', 'a\u0000b'],
  ['only a NUL', '\u0000'],
  ['the escape marker of the PostgreSQL store', '\u0001"x"'],
] as const;
const LONE_SURROGATES = [
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone low surrogate', '\udc00z'],
  ['a valid pair next to a lone surrogate', '\ud83d\ude00\ud83d'],
] as const;
const HOSTILE = [...NUL, ...LONE_SURROGATES];

/** Cases of this part an engine is known to fail (ConformanceOptions.knownGaps): each runs, expected to fail. */
export type ClientTextGap = 'over-long ids' | 'lone surrogates in outbox text';

/** An identifier no store allocates, over the size a PostgreSQL index entry can hold (2704 bytes). */
const OVER_LONG = 'x'.repeat(10_000);

/** Client input that PostgreSQL text cannot hold as it is: ids, session attributes, owners, URIs, errors. */
export function describeClientText({ fresh, options }: ConformanceContext): void {
  // A known gap still runs, as it.fails: it turns red once the engine is fixed, and the gap is then removed.
  const unlessGap = (gap: ClientTextGap) => (options.knownGaps?.includes(gap) ? it.fails : it);

  describe('client text PostgreSQL cannot hold as it is', () => {
    it.each(HOSTILE)('finds no session whose id holds %s (get, replace and delete answer "none")', async (_name, id) => {
      const { store } = await fresh();
      await store.sessions.insertSession(session('s1'));
      expect(await store.sessions.getSession(id)).toBeUndefined();
      expect(await store.sessions.replaceSession(session(id, { version: 2 }))).toBe(false);
      expect(await store.sessions.deleteSession(id)).toBeUndefined();
      expect(await store.sessions.countSessions()).toBe(1);
    });

    unlessGap('over-long ids')(
      'finds no session whose id is longer than any index entry (get, replace and delete answer "none")',
      async () => {
        const id = OVER_LONG;
        const { store } = await fresh();
        await store.sessions.insertSession(session('s1'));
        expect(await store.sessions.getSession(id)).toBeUndefined();
        expect(await store.sessions.replaceSession(session(id, { version: 2 }))).toBe(false);
        expect(await store.sessions.deleteSession(id)).toBeUndefined();
        expect(await store.sessions.countSessions()).toBe(1);
      },
    );

    it.each(HOSTILE)('keeps a session whose id, owner and attributes hold %s', async (_name, text) => {
      const { store } = await fresh();
      const record = session(`s-${text}`, { owner: `af-${text}` });
      record.session = { ...record.session, notifCorreId: text, notifUri: `http://af.example/${text}`, [`x-${text}`]: { [text]: [text] } };
      await store.sessions.insertSession(record);
      expect(await store.sessions.getSession(record.sessionId)).toEqual(record);
      const next = { ...record, version: 2, session: { ...record.session, notifCorreId: `${text}2` } };
      expect(await store.sessions.replaceSession(next)).toBe(true);
      expect(await store.sessions.getSession(record.sessionId)).toEqual(next);
      expect(await store.sessions.deleteSession(record.sessionId)).toEqual(next);
    });

    const outboxText = async (text: string) => {
      const { store } = await fresh();
      const stream = `session:${text}`;
      const target = `http://af.example/${text}`;
      const [entry] = await store.outbox.enqueue([note(stream, 1, { target, sessionId: text, body: { text, [text]: text } })]);
      expect(entry).toMatchObject({ stream, target, sessionId: text, body: { text, [text]: text } });
      const [claimed] = await claimAll(store, 'i1');
      expect(claimed).toMatchObject({ id: entry!.id, stream, target, sessionId: text, body: { text, [text]: text } });
      const moved = `${target}/moved`;
      expect(await store.outbox.retarget(stream, target, moved)).toBe(1);
      await store.outbox.retry(entry!.id, { attempts: 1, nextAttemptAt: 0, target: moved, status: 503, error: `HTTP 503 from ${moved}` });
      expect(await store.outbox.get(entry!.id)).toMatchObject({ target: moved, lastError: `HTTP 503 from ${moved}` });
      await claimAll(store, 'i1');
      await store.outbox.finish(entry!.id, { state: 'failed', attempts: 2, target: moved, at: Date.now(), error: `gave up on ${moved}` });
      expect(await store.outbox.list({ stream })).toEqual([
        expect.objectContaining({ id: entry!.id, state: 'failed', target: moved, lastError: `gave up on ${moved}` }),
      ]);
    };

    it.each(NUL)('delivers and records a notification whose stream, target, body and error hold %s', async (_name, text) =>
      outboxText(text),
    );

    unlessGap('lone surrogates in outbox text').each(LONE_SURROGATES)(
      'delivers and records a notification whose stream, target, body and error hold %s',
      async (_name, text) => outboxText(text),
    );

    it.each(HOSTILE)('moves a configured notification URI holding %s', async (_name, text) => {
      const { store } = await fresh();
      const configured = `http://af.example/${text}`;
      const to = `http://af.example/moved/${text}`;
      expect(await store.targets.currentTarget('callevent', configured)).toBe(configured);
      expect(await store.targets.moveTarget('callevent', configured, configured, to)).toBe(true);
      expect(await store.targets.currentTarget('callevent', configured)).toBe(to);
      expect(await store.targets.moveTarget('callevent', configured, to, `${to}/2`)).toBe(true);
      expect(await store.targets.currentTarget('callevent', configured)).toBe(`${to}/2`);
    });
  });
}
