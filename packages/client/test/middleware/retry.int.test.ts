import { describe, expect, it } from 'vitest';
import { createCallControlClient, retryAfterMs } from '../../src/index.js';
import { startHttpServer, type Reply } from '../support/http-server.js';

const body = { afId: 'af-1', imsSessionInfo: { callingParty: 'tel:+1', calledParty: 'tel:+2' }, notifUri: 'http://as/n' };
const overloaded = (status: number, headers: Record<string, string> = {}): Reply => ({
  status,
  headers,
  json: { status, cause: status === 429 ? 'NF_CONGESTION_RISK' : 'NF_CONGESTION' },
});
const fast = { baseDelayMs: 1, maxDelayMs: 2_000 };

describe('retries', () => {
  it('re-sends a 429 after the delay its Retry-After asks for', async () => {
    const server = await startHttpServer((_r, i) =>
      i === 0
        ? overloaded(429, { 'retry-after': '1' })
        : {
            status: 201,
            headers: { location: '/x/ims-sessions/s-1' },
            json: { ...body, imsSessionInfo: { ...body.imsSessionInfo, sessionId: 's-1' } },
          },
    );
    const started = performance.now();
    const result = await createCallControlClient({ baseUrl: server.url, retry: fast }).createImsSession(body);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(result.data?.sessionId).toBe('s-1');
    expect(server.requests.map((r) => [r.method, r.body])).toEqual([
      ['POST', JSON.stringify(body)],
      ['POST', JSON.stringify(body)],
    ]);
  });

  it('re-sends a 503 after the delay its Retry-After asks for', async () => {
    const server = await startHttpServer((_r, i) => (i === 0 ? overloaded(503, { 'retry-after': '1' }) : { status: 204 }));
    const started = performance.now();
    const result = await createCallControlClient({ baseUrl: server.url }).releaseImsSession('s-1');
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(result.response.status).toBe(204);
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
  });

  it('re-sends a 503 without Retry-After after a backoff', async () => {
    const server = await startHttpServer((_r, i) => (i < 2 ? overloaded(503) : { status: 204 }));
    const result = await createCallControlClient({ baseUrl: server.url, retry: fast }).releaseImsSession('s-1');
    expect(result.response.status).toBe(204);
    expect(server.requests).toHaveLength(3);
  });

  it('returns the last 503 as a failure after maxAttempts', async () => {
    const server = await startHttpServer(() => overloaded(503));
    const result = await createCallControlClient({ baseUrl: server.url, retry: { ...fast, maxAttempts: 2 } }).releaseImsSession('s-1');
    expect(result.error).toMatchObject({ status: 503, cause: 'NF_CONGESTION' });
    expect(server.requests).toHaveLength(2);
  });

  it('does not wait for a Retry-After longer than maxDelayMs', async () => {
    const server = await startHttpServer(() => overloaded(429, { 'retry-after': '120' }));
    const result = await createCallControlClient({ baseUrl: server.url, retry: fast }).releaseImsSession('s-1');
    expect(result.error).toMatchObject({ status: 429 });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['PUT', (c: Client) => c.updateImsSession('s-1', body)],
    ['DELETE', (c: Client) => c.releaseImsSession('s-1')],
  ])('re-sends a %s that failed on the network', async (method, call) => {
    const server = await startHttpServer((_r, i) => (i === 0 ? { status: 0, destroy: true } : { status: 204 }));
    const result = await call(createCallControlClient({ baseUrl: server.url, retry: fast }));
    expect(result.response.status).toBe(204);
    expect(server.requests.map((r) => r.method)).toEqual([method, method]);
  });

  it.each([
    ['POST', (c: Client) => c.createImsSession(body)],
    ['PATCH', (c: Client) => c.modifyImsSession('s-1', { imsSessionInfo: { maxDuration: 1 } })],
  ])('does not re-send a %s that failed on the network', async (method, call) => {
    const server = await startHttpServer(() => ({ status: 0, destroy: true }));
    await expect(call(createCallControlClient({ baseUrl: server.url, retry: fast }))).rejects.toThrow(TypeError);
    expect(server.requests.map((r) => r.method)).toEqual([method]);
  });
});

type Client = ReturnType<typeof createCallControlClient>;

describe('retryAfterMs', () => {
  it.each([
    ['delay-seconds', { given: '3', want: 3000 }],
    ['an HTTP-date', { given: new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), want: 10_000 }],
    ['an HTTP-date in the past', { given: new Date(Date.UTC(2029, 0, 1)).toUTCString(), want: 0 }],
    ['garbage', { given: 'soon', want: undefined }],
    ['no header', { given: null, want: undefined }],
  ])('reads %s', (_name, { given, want }) => {
    expect(retryAfterMs(given, Date.UTC(2030, 0, 1))).toBe(want);
  });
});
