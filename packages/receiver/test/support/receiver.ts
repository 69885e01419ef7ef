import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { onTestFinished } from 'vitest';
import { createReceiver, type ReceiverOptions } from '../../src/index.js';

/** One line of the receiver's (pino) log. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A receiver listening on loopback, closed when the test ends. */
export interface RunningReceiver {
  app: FastifyInstance;
  origin: string;
  /** Everything the receiver logged. */
  logs: LogLine[];
  url(path: string): string;
  /** POSTs `body` (JSON unless a string) to `path`, as `application/json` unless told otherwise. */
  post(path: string, body: unknown, contentType?: string): Promise<Response>;
}

/** Starts `app` on 127.0.0.1 (port 0) and closes it when the test ends. */
export async function listenOnLoopback(app: FastifyInstance): Promise<string> {
  onTestFinished(() => app.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** POSTs a notification as a sender would. */
export function postNotification(url: string, body: unknown, contentType = 'application/json'): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
}

/** Starts a standalone receiver (createReceiver) whose log lines are kept. */
export async function startReceiver(options: ReceiverOptions): Promise<RunningReceiver> {
  const logs: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const app = createReceiver({ ...options, fastify: { logger: { level: 'info', stream }, ...options.fastify } });
  const origin = await listenOnLoopback(app);
  return {
    app,
    origin,
    logs,
    url: (path) => origin + path,
    post: (path, body, contentType) => postNotification(origin + path, body, contentType),
  };
}

/** Polls until `check` gives a value (notifications arrive asynchronously), failing after `ms`. */
export async function eventually<T>(check: () => T | undefined | false, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
