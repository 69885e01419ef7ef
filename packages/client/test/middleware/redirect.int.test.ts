import { describe, expect, it } from 'vitest';
import { createCallControlClient, type ImsSession, type PermanentRedirect } from '../../src/index.js';
import { startHttpServer } from '../support/http-server.js';
import { useReferenceServer } from '../support/reference-server.js';

// The reference server plays the instance that now holds the sessions; a small node:http server
// plays the old instance, which redirects every request to the same path on the new one.
const current = useReferenceServer();
const body: ImsSession = {
  afId: 'default',
  imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
  notifUri: 'http://127.0.0.1:9/notify',
};

async function oldInstance(status: 307 | 308) {
  return startHttpServer((request) => ({ status, headers: { location: `${current.apiRoot}${request.url}` } }));
}

async function sessionOnCurrent(): Promise<string> {
  const { data } = await createCallControlClient({ baseUrl: current.apiRoot, throwOnError: true }).createImsSession(body);
  return data.sessionId;
}

describe('redirects', () => {
  it('re-sends a 307 with the same method and body to Location, and asks the old URI again next time', async () => {
    const old = await oldInstance(307);
    const client = createCallControlClient({ baseUrl: old.url });
    const created = await client.createImsSession(body);
    expect(created.response.status).toBe(201);
    const id = created.data!.sessionId;
    const modified = await client.modifyImsSession(id, { imsSessionInfo: { maxDuration: 30 } });
    expect(modified.data?.imsSessionInfo.maxDuration).toBe(30);
    expect(old.requests.map((r) => [r.method, JSON.parse(r.body)])).toEqual([
      ['POST', body],
      ['PATCH', { imsSessionInfo: { maxDuration: 30 } }],
    ]);
    expect(client.sessionUri(id)).toBe(`${old.url}/mmtel-callcontrol/v1/ims-sessions/${id}`);
  });

  it('after a 308 exposes the new URI and uses it for the later calls on that session', async () => {
    const id = await sessionOnCurrent();
    const old = await oldInstance(308);
    const moves: PermanentRedirect[] = [];
    const client = createCallControlClient({ baseUrl: old.url, redirects: { onPermanentRedirect: (move) => moves.push(move) } });
    const newUri = `${current.apiRoot}/mmtel-callcontrol/v1/ims-sessions/${id}`;

    const updated = await client.updateImsSession(id, { ...body, notifCorreId: 'moved' });
    expect(updated.data?.notifCorreId).toBe('moved');
    expect(updated.response.url).toBe(newUri);
    expect(moves).toEqual([{ from: `${old.url}/mmtel-callcontrol/v1/ims-sessions/${id}`, to: newUri, method: 'PUT' }]);
    expect(client.sessionUri(id)).toBe(newUri);

    expect((await client.modifyImsSession(id, { imsSessionInfo: { maxDuration: 5 } })).data?.imsSessionInfo.maxDuration).toBe(5);
    expect((await client.releaseImsSession(id)).response.status).toBe(204);
    expect(old.requests.map((r) => r.method)).toEqual(['PUT']);
  });

  it('returns the redirect as a failure once maxRedirects hops are used up', async () => {
    const loop = await startHttpServer((request) => ({ status: 307, headers: { location: request.url } }));
    const result = await createCallControlClient({ baseUrl: loop.url, redirects: { maxRedirects: 2 } }).releaseImsSession('s-1');
    expect(result.error).toMatchObject({ status: 307 });
    expect(loop.requests).toHaveLength(3);
  });
});
