import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/fresh-database.js';
import { imsSession, SESSIONS, startServer, type BuildHooks, type RunningServer, sessionIdOf } from '../support/server.js';

// Values PostgreSQL cannot store as text as they are (NUL; lone surrogates, which pg would turn
// into U+FFFD), sent where a client can put them: the path's session id, the body's strings, the
// notifUri, the AF's name. Both engines must answer alike, and never 5xx (issue 15: with
// DATABASE_URL set, PUT …/ims-sessions/%00 answered 500).

const ENGINES = {
  lmdb: async () => ({}),
  postgres: async () => ({ DATABASE_URL: await freshDatabase() }),
};

interface Delivery {
  sessionId: string;
  target: string;
  state: string;
}

async function settledDeliveries(server: RunningServer, sessionId: string, count: number): Promise<Delivery[]> {
  for (const until = Date.now() + 15_000; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
    const all = (await (await server.request('GET', '/sim/v1/deliveries')).json()) as Delivery[];
    const mine = all.filter((d) => d.sessionId === sessionId);
    if ((mine.length >= count && mine.every((d) => d.state !== 'PENDING')) || Date.now() > until) return mine;
  }
}

describe.each(Object.keys(ENGINES) as (keyof typeof ENGINES)[])('text PostgreSQL cannot hold as it is, on the %s store', (engine) => {
  const start = async (env: Record<string, string> = {}, build: BuildHooks = {}) =>
    startServer({ ...(await ENGINES[engine]()), ...env }, build);

  it.each([
    ['PUT', '%00', imsSession()],
    ['PUT', 'a%00b', imsSession()],
    ['PATCH', '%00', { notifCorreId: 'x' }],
    ['DELETE', '%00', undefined],
    ['DELETE', 'a%00b', undefined],
    ['DELETE', '%C3%A9%00', undefined],
  ] as const)('answers 404 SESSION_NOT_FOUND to %s of session id %s', async (method, id, body) => {
    const server = await start();
    const response = await server.request(
      method,
      `${SESSIONS}/${id}`,
      body === undefined ? {} : { json: body, ...(method === 'PATCH' && { contentType: 'application/merge-patch+json' }) },
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, cause: 'SESSION_NOT_FOUND' });
  });

  it.each([
    ['a NUL', '\u0000'],
    ['a lone surrogate', '\ud800'],
  ])('keeps %s in the strings of a session through create, update and release', async (_name, text) => {
    const server = await start();
    const created = await server.request('POST', SESSIONS, {
      json: imsSession({ notifCorreId: `a${text}b`, [`x-${text}`]: { [text]: text } }),
    });
    expect(created.status).toBe(201);
    const session = (await created.json()) as Record<string, unknown>;
    expect(session).toMatchObject({ notifCorreId: `a${text}b`, [`x-${text}`]: { [text]: text } });
    const patched = await server.request('PATCH', `${SESSIONS}/${sessionIdOf(session)}`, {
      json: { notifCorreId: `c${text}d` },
      contentType: 'application/merge-patch+json',
    });
    expect(patched.status).toBe(200);
    // The PATCH answer is built from the stored session: what came back was stored as sent.
    expect(await patched.json()).toMatchObject({ notifCorreId: `c${text}d`, [`x-${text}`]: { [text]: text } });
    expect((await server.request('DELETE', `${SESSIONS}/${sessionIdOf(session)}`)).status).toBe(204);
  });

  const recordsNotifications = async (text: string) => {
    const server = await start({ MMTEL_SIM_SCENARIO: 'answer', MMTEL_NOTIFY_MAX_ATTEMPTS: '1' });
    const notifUri = `http://127.0.0.1:9/${text}`;
    const created = await server.request('POST', SESSIONS, { json: imsSession({ notifUri }) });
    expect(created.status).toBe(201);
    const sessionId = sessionIdOf(await created.json());
    // Before the fix the PostgreSQL store refused to enqueue them (after the 201): all three were lost.
    const deliveries = await settledDeliveries(server, sessionId, 3);
    expect(deliveries.map((d) => [d.target, d.state])).toEqual([
      [notifUri, 'FAILED'],
      [notifUri, 'FAILED'],
      [notifUri, 'FAILED'],
    ]);
  };

  it('records every notification of a session whose notifUri holds a NUL, with the notifUri as sent', () =>
    recordsNotifications('a\u0000b'));

  it('records every notification of a session whose notifUri holds a lone surrogate, with the notifUri as sent', () =>
    recordsNotifications('a\ud800b'));

  it.each([
    ['a NUL', 'as\u00001'],
    ['a lone surrogate', 'as\udc001'],
  ])('lets an AF whose name holds %s update and release its own session, and no other AF', async (_name, af) => {
    const server = await start({}, { identify: (request) => (request.headers['x-af'] === 'other' ? 'other' : af) });
    const created = await server.request('POST', SESSIONS, { json: imsSession({ afId: af }) });
    expect(created.status).toBe(201);
    const sessionId = sessionIdOf(await created.json());
    const path = `${SESSIONS}/${sessionId}`;
    expect((await server.request('DELETE', path, { headers: { 'x-af': 'other' } })).status).toBe(404);
    expect(
      (await server.request('PATCH', path, { json: { notifCorreId: 'mine' }, contentType: 'application/merge-patch+json' })).status,
    ).toBe(200);
    expect((await server.request('DELETE', path)).status).toBe(204);
  });
});
