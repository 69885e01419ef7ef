import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { onTestFinished } from 'vitest';

/** A request as a small test server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What a test server's handler answers: a status, headers and an optional JSON or text body. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  /** Destroy the connection instead of answering (a network error for the client). */
  destroy?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** A node:http server on 127.0.0.1 that records every request; closed when the test ends. */
export interface TestServer {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: ReceivedRequest[];
}

/** Starts a test server whose `handle` answers each request (given the recorded request and its index). */
export async function startHttpServer(handle: (request: ReceivedRequest, index: number) => Reply | Promise<Reply>): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.push(received) - 1;
      void Promise.resolve(handle(received, index)).then(async (reply) => {
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        if (reply.destroy) {
          req.socket.destroy();
          return;
        }
        const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
        const headers: Record<string, string> = { ...reply.headers };
        if (reply.json !== undefined) headers['content-type'] ??= 'application/json';
        res.writeHead(reply.status, headers).end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return { url: `http://127.0.0.1:${address.port}`, requests };
}
