import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/process.js';
import { imsSession, SESSIONS, startServer, useServer } from '../support/server.js';

const server = useServer({ MMTEL_HEADERS_TIMEOUT_MS: '400', MMTEL_MAX_URL_LENGTH: '2048', MMTEL_MAX_HEADER_BYTES: '8192' });

/** Writes `text` on a raw connection and returns everything the server sends before it closes. */
async function raw(origin: string, text: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(text);
  await new Promise((resolve) => socket.on('close', resolve));
  const answer = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head, body };
}

describe('request limits', () => {
  it('answers 431 ProblemDetails to headers over the size limit', async () => {
    const answer = await raw(server.apiRoot, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(10_000)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, cause: 'HEADERS_TOO_LARGE' });
  });

  it('answers 414 ProblemDetails to a URI over the length limit', async () => {
    const response = await server.request('GET', `${SESSIONS}/${'x'.repeat(3000)}`);
    expect(response.status).toBe(414);
    expect(await response.json()).toMatchObject({ status: 414, cause: 'URI_TOO_LONG' });
  });

  it('answers 408 ProblemDetails to a client too slow to send its headers, and closes the connection', async () => {
    const answer = await raw(server.apiRoot, `POST ${SESSIONS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n`);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 408, cause: 'REQUEST_TIMEOUT' });
  });
});

describe('per-AF rate limiting', () => {
  it('answers 429 with Retry-After to the AF over its budget, and not to another AF', async () => {
    const limited = await startServer(
      { MMTEL_RATE_LIMIT_MAX: '3', MMTEL_RATE_LIMIT_WINDOW_MS: '60000' },
      { identify: (request) => String(request.headers['x-af-id'] ?? 'default') },
    );
    const create = (af: string) => limited.request('POST', SESSIONS, { json: imsSession({ afId: af }), headers: { 'x-af-id': af } });
    for (let i = 0; i < 3; i++) expect((await create('as1')).status).toBe(201);
    const refused = await create('as1');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ status: 429, cause: 'NF_CONGESTION_RISK' });
    expect((await create('as2')).status).toBe(201);
  });
});

describe('overload shedding', () => {
  it('answers 503 with Retry-After while over a resource bound, and still answers /healthz', async () => {
    // A heap bound of one byte is always exceeded: the server is overloaded from its first sample on.
    const overloaded = await startServer({
      MMTEL_OVERLOAD_PROTECTION: 'true',
      MMTEL_OVERLOAD_MAX_HEAP_BYTES: '1',
      MMTEL_OVERLOAD_RETRY_AFTER_S: '7',
    });
    const refused = await eventually(async () => {
      const response = await overloaded.request('POST', SESSIONS, { json: imsSession() });
      return response.status === 503 && response;
    });
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(await refused.json()).toMatchObject({ status: 503, cause: 'NF_CONGESTION' });
    expect((await overloaded.request('GET', '/healthz')).status).toBe(200);
  });
});
