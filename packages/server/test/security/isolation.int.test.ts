import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { eventually } from '../support/process.js';
import { imsSession, SESSIONS, useServer, sessionIdOf } from '../support/server.js';
import { startReceiver } from '../notifications/support.js';
import { bearer, token, trustedKeys } from './support.js';

const keys = await trustedKeys();
const server = useServer(keys.env);
const SCOPE = 'mmtel-callcontrol mmtel-callevent mmtel-simulator';
const as1 = async () => bearer(await token(keys.privateKey, { sub: 'as1', scope: SCOPE }));
const as2 = async () => bearer(await token(keys.privateKey, { sub: 'as2', scope: SCOPE }));

/** A session of AS 1 (websocket notifications negotiated, so that it has a channel). */
async function sessionOfAs1(overrides: Record<string, unknown> = {}): Promise<{ sessionId: string; body: Record<string, unknown> }> {
  const response = await server.request('POST', SESSIONS, {
    json: imsSession({ afId: 'as1', suppFeat: '1', websockNotifConfig: { requestWebsocketUri: true }, ...overrides }),
    headers: await as1(),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as Record<string, unknown>;
  return { sessionId: sessionIdOf(body), body };
}

/** What another AF gets for a session that does not exist at all: its answer must be the same. */
async function expectSameAsAbsent(response: Response, method: string): Promise<void> {
  const absent = await server.request(method, `${SESSIONS}/00000000-0000-4000-8000-000000000000`, bodyFor(method, await as2()));
  expect(response.status).toBe(404);
  const [got, reference] = [(await response.json()) as Record<string, unknown>, (await absent.json()) as Record<string, unknown>];
  expect({ ...got, detail: undefined }).toEqual({ ...reference, detail: undefined });
}

function bodyFor(
  method: string,
  headers: Record<string, string>,
): { json?: unknown; contentType?: string; headers: Record<string, string> } {
  if (method === 'PUT') return { json: imsSession({ afId: 'as2', notifUri: 'http://127.0.0.1:9/other' }), headers };
  if (method === 'PATCH') return { json: { notifUri: 'http://127.0.0.1:9/other' }, contentType: 'application/merge-patch+json', headers };
  return { headers };
}

describe('per-AF isolation', () => {
  it.each(['PUT', 'PATCH', 'DELETE'])('answers another AF 404 to %s of a session, as if it did not exist', async (method) => {
    const { sessionId } = await sessionOfAs1();
    await expectSameAsAbsent(await server.request(method, `${SESSIONS}/${sessionId}`, bodyFor(method, await as2())), method);
  });

  it('leaves the session unchanged for its owner after another AF tried to change and release it', async () => {
    const { sessionId } = await sessionOfAs1({ notifCorreId: 'mine' });
    for (const method of ['PUT', 'PATCH', 'DELETE']) await server.request(method, `${SESSIONS}/${sessionId}`, bodyFor(method, await as2()));
    const patched = await server.request('PATCH', `${SESSIONS}/${sessionId}`, {
      json: { imsSessionInfo: { events: ['SESSION_TERMINATION'] } },
      contentType: 'application/merge-patch+json',
      headers: await as1(),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ notifUri: 'http://127.0.0.1:9/notify', notifCorreId: 'mine' });
  });

  it("sends a session's notifications to its owner's notifUri only", async () => {
    const mine = await startReceiver();
    const theirs = await startReceiver();
    const { sessionId } = await sessionOfAs1({ notifUri: mine.url('/as1') });
    const other = await server.request('POST', SESSIONS, {
      json: imsSession({ afId: 'as2', notifUri: theirs.url('/as2') }),
      headers: await as2(),
    });
    expect(other.status).toBe(201);
    expect((await server.request('POST', `/sim/v1/sessions/${sessionId}/remote-release`, { headers: await as1() })).status).toBe(202);
    await eventually(() => mine.on('/as1').length >= 1);
    expect(theirs.requests).toHaveLength(0);
    expect(mine.on('/as1')[0]!.body).toMatchObject({ sessionId });
  });

  it("refuses another AF the session's notification WebSocket", async () => {
    const { body } = await sessionOfAs1();
    const uri = String((body.websockNotifConfig as { websocketUri: string }).websocketUri);
    const socket = new WebSocket(uri, { headers: await as2() });
    const code = await new Promise<number>((resolve, reject) => {
      socket.on('close', resolve);
      socket.on('error', reject);
    });
    expect(code).toBe(4404);
  });

  it('refuses the session WebSocket without a token', async () => {
    const { body } = await sessionOfAs1();
    const socket = new WebSocket(String((body.websockNotifConfig as { websocketUri: string }).websocketUri));
    const status = await new Promise<number>((resolve) =>
      socket.on('unexpected-response', (request, response) => {
        // With this listener, ws leaves the refused connection open: close it.
        request.destroy();
        resolve(response.statusCode ?? 0);
      }),
    );
    expect(status).toBe(401);
  });
});
