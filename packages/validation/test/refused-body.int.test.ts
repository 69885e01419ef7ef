import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { postFromAnotherProcess } from './support/fetch-in-child.js';
import { jsonApp, listen } from './support/json-app.js';

const MiB = 1024 * 1024;

/** What a raw client saw of a request: the answer's text, and how the connection ended. */
interface RawExchange {
  answer: string;
  ended: 'end' | 'reset' | 'open';
  /** Milliseconds from the answer to the end. */
  afterAnswerMs: number;
}

/**
 * Sends the head of a POST announcing `announced` body bytes and `sent` of them at once, then,
 * once the answer has arrived, `later` more; waits for the server to close (at most `waitMs`).
 */
function rawPost(
  port: number,
  { announced, sent, later, waitMs }: { announced: number; sent: number; later: number; waitMs: number },
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let answeredAt = 0;
    const done = (ended: RawExchange['ended']) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ answer, ended, afterAnswerMs: answeredAt === 0 ? -1 : performance.now() - answeredAt });
    };
    const timer = setTimeout(() => done('open'), waitMs);
    socket.on('data', (chunk: Buffer) => {
      if (answer === '') {
        answeredAt = performance.now();
        if (later > 0) socket.write(Buffer.alloc(later, 0x20));
      }
      answer += chunk.toString('latin1');
    });
    socket.on('end', () => done('end'));
    socket.on('error', () => done('reset'));
    socket.write(`POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${announced}\r\n\r\n`);
    socket.write(Buffer.alloc(sent, 0x20));
  });
}

/** How many bytes the server read on its next connection, once that connection has closed. */
function bytesReadOnNextConnection(app: FastifyInstance): Promise<number> {
  return new Promise((resolve) => app.server.once('connection', (socket: Socket) => socket.once('close', () => resolve(socket.bytesRead))));
}

describe('readRestOfRefusedBody', () => {
  it('lets a fetch client in another process read the 413 of a body over the limit, sent whole or streamed', {
    timeout: 60_000,
  }, async () => {
    const { origin } = await listen(await jsonApp({ bodyLimit: MiB }));
    const sizes = [2 * MiB, 8 * MiB, 30 * MiB];
    const answers = await postFromAnotherProcess(
      [false, true].flatMap((streamed) => sizes.flatMap((bytes) => [1, 2, 3].map(() => ({ url: `${origin}/echo`, bytes, streamed })))),
    );
    expect(answers).toHaveLength(18);
    for (const answer of answers) expect(answer).toMatchObject({ status: 413, body: { status: 413, cause: 'PAYLOAD_TOO_LARGE' } });
  });

  it('lets a fetch client read the 415 of a large body of a content type nothing parses', { timeout: 60_000 }, async () => {
    const { origin } = await listen(await jsonApp({ bodyLimit: MiB }));
    const answers = await postFromAnotherProcess(
      [1, 2, 3].map(() => ({ url: `${origin}/echo`, bytes: 8 * MiB, streamed: true, contentType: 'text/plain' })),
    );
    for (const answer of answers) expect(answer).toMatchObject({ status: 415, body: { cause: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('answers with Connection: close, reads the rest of the body, then closes without a reset', async () => {
    const app = await jsonApp({ bodyLimit: 1024, lingering: { maxBytes: MiB, maxMs: 10_000 } });
    const { port } = await listen(app);
    const read = bytesReadOnNextConnection(app);
    const exchange = await rawPost(port, { announced: 200_000, sent: 100_000, later: 100_000, waitMs: 5_000 });
    expect(exchange.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.answer.toLowerCase()).toContain('connection: close');
    expect(exchange.ended).toBe('end');
    expect(await read).toBeGreaterThan(200_000);
  });

  it('closes the connection maxMs after the answer when the client stops sending', async () => {
    const { port } = await listen(await jsonApp({ bodyLimit: 1024, lingering: { maxBytes: MiB, maxMs: 300 } }));
    const exchange = await rawPost(port, { announced: 200_000, sent: 100_000, later: 0, waitMs: 5_000 });
    expect(exchange.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.ended).not.toBe('open');
    expect(exchange.afterAnswerMs).toBeLessThan(3_000);
  });

  it('reads little more than maxBytes of the rest, and closes maxMs after the answer', async () => {
    const app = await jsonApp({ bodyLimit: 1024, lingering: { maxBytes: 64 * 1024, maxMs: 300 } });
    const { port } = await listen(app);
    const read = bytesReadOnNextConnection(app);
    const exchange = await rawPost(port, { announced: 1024 * MiB, sent: 2 * MiB, later: 64 * MiB, waitMs: 5_000 });
    expect(exchange.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.ended).not.toBe('open');
    expect(exchange.afterAnswerMs).toBeLessThan(3_000);
    // 64 KiB, and what was on its way through Node's buffers when reading stopped.
    expect(await read).toBeLessThan(MiB);
  });

  it('closes the connections still reading a refused body when the app closes', async () => {
    const app = await jsonApp({ bodyLimit: 1024, lingering: { maxBytes: 64 * 1024, maxMs: 60_000 } });
    const { port } = await listen(app);
    const exchange = rawPost(port, { announced: 1024 * MiB, sent: 2 * MiB, later: 0, waitMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await app.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await exchange).ended).not.toBe('open');
  });
});
