import { createHook } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { createCallControlClient, type Middleware } from '../src/index.js';
import { startHttpServer, type Reply } from './support/http-server.js';

// The typed operations build their Request without the body while no middleware of the caller's
// can see it, and clear each attempt's timer when the call is over. These tests prove that what
// is sent, and what the caller's code sees, is unchanged, and that no timer outlives its call.

const body = { afId: 'af-1', imsSessionInfo: { callingParty: 'tel:+1', calledParty: 'tel:+2' }, notifUri: 'http://as/n' };
const created: Reply = {
  status: 201,
  headers: { location: '/mmtel-callcontrol/v1/ims-sessions/s-1' },
  json: { ...body, imsSessionInfo: { ...body.imsSessionInfo, sessionId: 's-1' } },
};

/**
 * The Timeout objects created with `timeoutMs` (an unusual value, so that undici's and the test
 * server's timers are not counted) that have been neither cleared nor fired.
 */
function watchTimers(timeoutMs: number): { live: () => Promise<number>; stop: () => void } {
  const live = new Set<number>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      // Node's Timeout keeps its delay in _idleTimeout: the one way to tell our timers apart.
      if (type === 'Timeout' && (resource as { _idleTimeout?: unknown })._idleTimeout === timeoutMs) live.add(asyncId);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  // Node reports a cleared timer's destruction on a later turn of the event loop.
  const count = async () => (await new Promise((resolve) => setImmediate(resolve)), live.size);
  return { live: count, stop: () => hook.disable() };
}

describe('the cost of a typed call', () => {
  it('sends the body of every typed operation in full', async () => {
    const server = await startHttpServer((request) =>
      request.method === 'POST' ? created : request.method === 'DELETE' ? { status: 204 } : { status: 204 },
    );
    const client = createCallControlClient({ baseUrl: server.url });
    await client.createImsSession(body);
    await client.updateImsSession('s-1', { ...body, notifCorreId: 'c-1' });
    await client.modifyImsSession('s-1', { notifCorreId: 'c-2' });
    await client.releaseImsSession('s-1');
    expect(server.requests.map((r) => [r.method, r.headers['content-type'], r.body])).toEqual([
      ['POST', 'application/json', JSON.stringify(body)],
      ['PUT', 'application/json', JSON.stringify({ ...body, notifCorreId: 'c-1' })],
      ['PATCH', 'application/merge-patch+json', JSON.stringify({ notifCorreId: 'c-2' })],
      ['DELETE', undefined, ''],
    ]);
  });

  it("gives the caller's middleware a Request that carries its body", async () => {
    const server = await startHttpServer(() => created);
    const seen: string[] = [];
    const reader: Middleware = {
      async onRequest({ request }) {
        seen.push(await request.clone().text());
        return undefined;
      },
    };
    const client = createCallControlClient({ baseUrl: server.url });
    client.use(reader);
    await client.createImsSession(body);
    expect(seen).toEqual([JSON.stringify(body)]);
  });

  it('hands an injected fetch the Request with its body when no timeout applies', async () => {
    const server = await startHttpServer(() => created);
    const bodies: string[] = [];
    const client = createCallControlClient({
      baseUrl: server.url,
      timeoutMs: false,
      fetch: async (request) => (bodies.push(await request.clone().text()), fetch(request)),
    });
    await client.createImsSession(body);
    expect(bodies).toEqual([JSON.stringify(body)]);
    expect(server.requests.map((r) => r.body)).toEqual([JSON.stringify(body)]);
  });

  it('leaves no timeout timer behind once typed calls have returned', async () => {
    const server = await startHttpServer((request) => (request.method === 'POST' ? created : { status: 204 }));
    const timers = watchTimers(12_345);
    try {
      const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 12_345 });
      for (let i = 0; i < 5; i++) {
        await client.createImsSession(body);
        await client.releaseImsSession('s-1');
      }
      expect(await timers.live()).toBe(0);
    } finally {
      timers.stop();
    }
  });

  it('leaves no timeout timer behind after failed, retried and thrown calls', async () => {
    const server = await startHttpServer((_r, i) =>
      i % 2 === 0 ? { status: 503, json: { status: 503, cause: 'NF_CONGESTION' } } : { status: 404, json: { status: 404 } },
    );
    const timers = watchTimers(12_346);
    try {
      const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 12_346, retry: { baseDelayMs: 1 } });
      const thrower = createCallControlClient({ baseUrl: server.url, timeoutMs: 12_346, retry: false, throwOnError: true });
      expect((await client.releaseImsSession('s-1')).error).toMatchObject({ status: 404 });
      await expect(thrower.releaseImsSession('s-1')).rejects.toMatchObject({ status: 503 });
      expect(server.requests).toHaveLength(3);
      expect(await timers.live()).toBe(0);
    } finally {
      timers.stop();
    }
  });

  it('leaves no timeout timer behind after a connection error', async () => {
    const timers = watchTimers(12_347);
    try {
      const client = createCallControlClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 12_347, retry: false });
      await expect(client.releaseImsSession('s-1')).rejects.toThrow(TypeError);
      expect(await timers.live()).toBe(0);
    } finally {
      timers.stop();
    }
  });
});
