import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { imsSession, SESSIONS, useServer } from '../support/server.js';

const server = useServer();

/** One HTTP/1.1 answer read off a raw connection: status, head and body (by Content-Length). */
interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/**
 * Writes `text` on a raw connection and reads `count` answers (each with a Content-Length), so
 * that the request goes out exactly as written: no client adds, drops or rewrites a header.
 */
async function exchange(origin: string, text: string, count = 1): Promise<RawAnswer[]> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  let received = Buffer.alloc(0);
  const answers: RawAnswer[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('close', () =>
        reject(new Error(`connection closed after ${answers.length} of ${count} answers: ${received.toString('latin1')}`)),
      );
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        for (;;) {
          const end = received.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = received.subarray(0, end).toString('latin1');
          const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
          if (received.length < end + 4 + length) return;
          answers.push({
            status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
            head,
            body: received.subarray(end + 4, end + 4 + length).toString('utf8'),
          });
          received = received.subarray(end + 4 + length);
          if (answers.length === count) return resolve();
        }
      });
      socket.write(text);
    });
  } finally {
    socket.destroy();
  }
  return answers;
}

/** A POST creating a session, with `headers` besides Host, Content-Type and Content-Length. */
function createRequest(origin: string, headers: string[]): string {
  const body = JSON.stringify(imsSession());
  return [
    `POST ${SESSIONS} HTTP/1.1`,
    `Host: ${new URL(origin).host}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...headers,
    '',
    body,
  ].join('\r\n');
}

describe('requests carrying an Upgrade header that is not a WebSocket handshake', () => {
  it.each([
    // What the JDK's HttpClient sends over http:// by default (RFC 7540 clause 3.2).
    [
      'an h2c upgrade (HTTP/2 over cleartext)',
      ['Connection: Upgrade, HTTP2-Settings', 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA'],
    ],
    ['an upgrade to websocket on a POST, which no handshake is', ['Connection: Upgrade', 'Upgrade: websocket']],
    ['an upgrade to a protocol the server does not know', ['Connection: keep-alive, Upgrade', 'Upgrade: example/1']],
  ])('serves a POST with a body and %s as plain HTTP/1.1: 201 with the session', async (_name, headers) => {
    const [answer] = await exchange(server.apiRoot, createRequest(server.apiRoot, headers));

    expect(answer!.status).toBe(201);
    expect(answer!.head).not.toMatch(/\r\nupgrade:/i);
    expect(JSON.parse(answer!.body)).toMatchObject({ ...imsSession(), imsSessionInfo: { sessionState: 'INITIATING' } });
  });

  it('keeps the connection for the next request after serving an h2c upgrade request', async () => {
    const h2c = ['Connection: Upgrade, HTTP2-Settings', 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA'];
    const answers = await exchange(server.apiRoot, createRequest(server.apiRoot, h2c) + createRequest(server.apiRoot, []), 2);

    expect(answers.map((answer) => answer.status)).toEqual([201, 201]);
  });
});
