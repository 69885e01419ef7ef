import { describe, expect, it } from 'vitest';
import { imsSession, SESSIONS, sessionIdOf, useServer, type RunningServer } from '../support/server.js';

const shared = useServer();

async function created(server: RunningServer, body = imsSession()): Promise<{ id: string; session: Record<string, unknown> }> {
  const response = await server.request('POST', SESSIONS, { json: body });
  expect(response.status).toBe(201);
  const session = (await response.json()) as Record<string, unknown>;
  return { id: sessionIdOf(session), session };
}

// ImsSession does not forbid additional properties: an AF (or a newer client) may send attributes
// a later release defines, and the server keeps them like any other (3GPP forward compatibility).
describe('extension attributes of an IMS session', () => {
  const extension = { futureAttribute: { rel: 20, nested: [1, 2] } };
  const patch = (server: RunningServer, id: string, body: Record<string, unknown>) =>
    server.request('PATCH', `${SESSIONS}/${id}`, { json: body, contentType: 'application/merge-patch+json' });

  it.each([
    ['POST', async (server: RunningServer) => (await created(server, imsSession(extension))).id],
    [
      'PUT',
      async (server: RunningServer) => {
        const { id, session } = await created(server);
        expect((await server.request('PUT', `${SESSIONS}/${id}`, { json: { ...session, ...extension } })).status).toBe(200);
        return id;
      },
    ],
    [
      'PATCH',
      async (server: RunningServer) => {
        const { id } = await created(server);
        expect((await patch(server, id, extension)).status).toBe(200);
        return id;
      },
    ],
  ])('keeps an extension attribute sent with %s, and returns it in later answers', async (_method, send) => {
    const server = shared;
    const id = await send(server);
    const later = await patch(server, id, { notifCorreId: 'later' });
    expect(later.status).toBe(200);
    expect(await later.json()).toMatchObject({ ...extension, notifCorreId: 'later' });
  });

  it('replaces the extension attributes on PUT: one the new representation leaves out is gone', async () => {
    const server = shared;
    const { id, session } = await created(server, imsSession(extension));
    const { futureAttribute: _left, ...without } = session;
    const response = await server.request('PUT', `${SESSIONS}/${id}`, { json: { ...without, otherAttribute: 'x' } });
    expect(response.status).toBe(200);
    const replaced = (await response.json()) as Record<string, unknown>;
    expect(replaced).not.toHaveProperty('futureAttribute');
    expect(replaced.otherAttribute).toBe('x');
  });
});
