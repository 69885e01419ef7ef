import { describe, expect, it } from 'vitest';
import { createCallControlClient } from '../../src/index.js';
import { startHttpServer } from '../support/http-server.js';

describe('timeouts', () => {
  it('aborts an attempt that takes longer than timeoutMs with a TimeoutError', async () => {
    const server = await startHttpServer(() => ({ status: 204, delayMs: 500 }));
    const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 50, retry: false });
    await expect(client.releaseImsSession('s-1')).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('re-sends an idempotent request whose attempt timed out', async () => {
    const server = await startHttpServer((_r, i) => ({ status: 204, delayMs: i === 0 ? 500 : 0 }));
    const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 100, retry: { baseDelayMs: 1 } });
    const result = await client.releaseImsSession('s-1');
    expect(result.response.status).toBe(204);
    expect(server.requests).toHaveLength(2);
  });

  it("stops at the caller's AbortSignal, without retrying", async () => {
    const server = await startHttpServer(() => ({ status: 204, delayMs: 500 }));
    const client = createCallControlClient({ baseUrl: server.url, retry: { baseDelayMs: 1 } });
    await expect(client.releaseImsSession('s-1', { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('timeouts with an injected fetch', () => {
  it('bounds each attempt of an injected fetch as well', async () => {
    const server = await startHttpServer(() => ({ status: 204, delayMs: 500 }));
    const client = createCallControlClient({ baseUrl: server.url, timeoutMs: 50, retry: false, fetch: (request) => fetch(request) });
    await expect(client.releaseImsSession('s-1')).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
