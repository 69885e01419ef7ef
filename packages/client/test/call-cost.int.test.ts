import { createHook } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { createCallControlClient, MmtelProblemError, type Middleware } from '../src/index.js';
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
 * Watches the timers of attempts with `timeoutMs` (an unusual value, so that undici's and the
 * test server's timers are not counted): those created while watching, and those still armed.
 */
function watchTimers(timeoutMs: number): { created: () => number; live: () => Promise<number>; stop: () => void } {
  let created = 0;
  const live = new Set<number>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      // Node's Timeout keeps its delay in _idleTimeout (a shared timer's is a little shorter).
      const delay = (resource as { _idleTimeout?: unknown })._idleTimeout;
      if (type !== 'Timeout' || typeof delay !== 'number' || delay <= timeoutMs - 5 || delay > timeoutMs) return;
      created++;
      live.add(asyncId);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  return {
    created: () => created,
    // Node reports a timer's destruction on a later turn of the event loop.
    live: async () => (await new Promise((resolve) => setImmediate(resolve)), live.size),
    stop: () => hook.disable(),
  };
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

  it("sends the client's headers and the call's, the call's winning", async () => {
    const server = await startHttpServer(() => ({ status: 204 }));
    const client = createCallControlClient({ baseUrl: server.url, headers: { 'x-client': 'c', 'x-both': 'client', 'x-list': ['a', 'b'] } });
    await client.modifyImsSession('s 1', { notifCorreId: 'c-1' }, { headers: { 'x-both': 'call' } });
    const [sent] = server.requests;
    expect(sent?.url).toBe('/mmtel-callcontrol/v1/ims-sessions/s%201');
    expect([sent?.headers['x-client'], sent?.headers['x-both'], sent?.headers['x-list']]).toEqual(['c', 'call', 'a, b']);
    expect(sent?.headers['content-type']).toBe('application/merge-patch+json');
  });

  it('sends what it sends through openapi-fetch when a middleware of the caller is installed', async () => {
    const server = await startHttpServer((request) => (request.method === 'POST' ? created : { status: 204 }));
    const observer: Middleware = { onRequest: () => undefined };
    const direct = createCallControlClient({ baseUrl: server.url, headers: { 'x-client': 'c' } });
    const viaOpenapiFetch = createCallControlClient({ baseUrl: server.url, headers: { 'x-client': 'c' }, middleware: [observer] });
    for (const client of [direct, viaOpenapiFetch]) {
      await client.createImsSession(body, { headers: { 'x-call': '1' } });
      await client.updateImsSession('s/1', body);
      await client.modifyImsSession('s-1', { notifCorreId: 'c-2' }, { headers: { 'content-type': 'application/json' } });
      await client.releaseImsSession('s-1');
    }
    const seen = server.requests.map((r) => [
      r.method,
      r.url,
      r.headers['content-type'],
      r.headers['x-client'],
      r.headers['x-call'],
      r.body,
    ]);
    expect(seen.slice(0, 4)).toEqual(seen.slice(4));
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

  it('sends session ids that URL parsing changes to where openapi-fetch sends them', async () => {
    const server = await startHttpServer(() => ({ status: 204 }));
    const observer: Middleware = { onRequest: () => undefined };
    const direct = createCallControlClient({ baseUrl: `${server.url}/`, retry: false });
    const viaOpenapiFetch = createCallControlClient({ baseUrl: `${server.url}/`, retry: false, middleware: [observer] });
    const ids = ['.', '..', "it's (1)", 'a b', 'é/x'];
    for (const client of [direct, viaOpenapiFetch]) for (const id of ids) await client.releaseImsSession(id);
    const urls = server.requests.map((r) => r.url);
    expect(urls.slice(0, ids.length)).toEqual(urls.slice(ids.length));
  });

  it("keeps a thrown problem's response readable after a later call of the client timed out", async () => {
    const problem = { status: 404, cause: 'SESSION_NOT_FOUND' };
    const server = await startHttpServer((_request, index) =>
      index === 0 ? { status: 404, json: problem } : { status: 204, delayMs: 400 },
    );
    const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 100, retry: false, throwOnError: true });
    const failed: unknown = await client.releaseImsSession('s-1').catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(MmtelProblemError);
    await expect(client.releaseImsSession('s-2')).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(await (failed as MmtelProblemError).response.json()).toEqual(problem);
  });

  it('arms at most one timer for any number of calls with a timeout', async () => {
    const server = await startHttpServer((request) => (request.method === 'POST' ? created : { status: 204 }));
    const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 12_345 });
    await client.releaseImsSession('s-0');
    const timers = watchTimers(12_345);
    try {
      for (let i = 0; i < 10; i++) {
        await client.createImsSession(body);
        await client.releaseImsSession('s-1');
      }
      expect(timers.created()).toBe(0);
    } finally {
      timers.stop();
    }
  });

  it('leaves no timer armed once the calls are over', async () => {
    const server = await startHttpServer(() => ({ status: 404, json: { status: 404 } }));
    const timers = watchTimers(50);
    try {
      const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 50, retry: false });
      const thrower = createCallControlClient({ baseUrl: server.url, timeoutMs: 50, retry: false, throwOnError: true });
      for (let i = 0; i < 5; i++) expect((await client.releaseImsSession('s-1')).error).toMatchObject({ status: 404 });
      await expect(thrower.releaseImsSession('s-1')).rejects.toMatchObject({ status: 404 });
      await expect(
        createCallControlClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 50, retry: false }).releaseImsSession('s-1'),
      ).rejects.toThrow(TypeError);
      // The shared timer fires once at the deadline it was armed for, finds no attempt, stays off.
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(await timers.live()).toBe(0);
    } finally {
      timers.stop();
    }
  });

  it('still times out an attempt after many fast ones', async () => {
    let slow = false;
    const server = await startHttpServer(() => ({ status: 204, ...(slow && { delayMs: 500 }) }));
    const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 100, retry: false });
    for (let i = 0; i < 5; i++) await client.releaseImsSession('s-1');
    slow = true;
    await expect(client.releaseImsSession('s-1')).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('answers the calls after one that timed out', async () => {
    const server = await startHttpServer((_request, index) => ({ status: 204, ...(index === 3 && { delayMs: 400 }) }));
    const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 100, retry: false });
    for (let i = 0; i < 3; i++) await client.releaseImsSession('s-1');
    await expect(client.releaseImsSession('s-1')).rejects.toMatchObject({ name: 'TimeoutError' });
    for (let i = 0; i < 10; i++) expect((await client.releaseImsSession('s-1')).response.status).toBe(204);
  });

  it('times out only the slow ones of many attempts in flight together', async () => {
    const server = await startHttpServer((request) => ({ status: 204, ...(request.url.endsWith('slow') && { delayMs: 400 }) }));
    const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 100, retry: false });
    const ids = ['fast', 'slow', 'slow', 'fast', 'slow', 'fast', 'fast', 'slow'].map((speed, i) => `s-${i}-${speed}`);
    const outcomes = await Promise.allSettled(ids.map((id) => client.releaseImsSession(id)));
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.response.status : outcome.reason.name))).toEqual(
      ids.map((id) => (id.endsWith('slow') ? 'TimeoutError' : 204)),
    );
    for (let i = 0; i < 3; i++) expect((await client.releaseImsSession('s-fast')).response.status).toBe(204);
  });

  it('times out the attempts of clients with different timeouts each at its own deadline', async () => {
    const server = await startHttpServer(() => ({ status: 204, delayMs: 400 }));
    const patient = createCallControlClient({ baseUrl: server.url, timeoutMs: 5_000, retry: false });
    const hasty = createCallControlClient({ baseUrl: server.url, timeoutMs: 100, retry: false });
    const started = performance.now();
    const [slow, fast] = await Promise.allSettled([patient.releaseImsSession('s-1'), hasty.releaseImsSession('s-2')]);
    expect(fast).toMatchObject({ status: 'rejected', reason: { name: 'TimeoutError' } });
    expect(slow).toMatchObject({ status: 'fulfilled' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
