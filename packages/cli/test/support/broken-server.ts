import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import type { OnFinished } from './cli.js';

/** A request as it reached the broken server. */
export interface BrokenRequest {
  method: string;
  /** Path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An answer as the broken server sends it on (the upstream's, possibly changed). */
export interface BrokenAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The one rule a broken server breaks: a change to the upstream's answers, or to the notifications it sends. */
export interface Breakage {
  answer?(request: BrokenRequest, answer: BrokenAnswer): BrokenAnswer;
  /** Changes the body of every IMS Session Notification on its way to the AS; undefined swallows it (answered 204). */
  notification?(body: Record<string, unknown>): unknown;
}

const RELAY = '/relay';

/**
 * A small upstream in front of the reference server at `upstream` that passes everything through
 * but breaks one rule, as tools/conformance's prism-detection test does for Prism: a kit that only
 * ever sees a conforming server could be blind and still pass (`onFinished`: the test context's hook in a
 * concurrent test). URLs of the reference server in
 * answers (Location, `self`) are rewritten to lead back through it; with a `notification`
 * breakage, the notifUri of each session is rewritten to a relay here that changes each
 * notification and passes it on to the AS's own notifUri. Stopped after the test.
 */
export async function startBrokenServer(upstream: string, breakage: Breakage, onFinished: OnFinished = onTestFinished): Promise<string> {
  let self = '';
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: BrokenRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      const handle = request.path.startsWith(`${RELAY}?`) ? relay(request, breakage) : forward(upstream, self, request, breakage);
      handle.then(
        ({ status, headers, body }) => response.writeHead(status, headers).end(body),
        (error: unknown) => response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  onFinished(() => {
    server.closeAllConnections();
    server.close();
  });
  return self;
}

async function forward(upstream: string, self: string, request: BrokenRequest, breakage: Breakage): Promise<BrokenAnswer> {
  let body: Buffer | undefined = request.body.length > 0 ? request.body : undefined;
  if (breakage.notification !== undefined && body !== undefined && /\/ims-sessions(\/|$)/.test(request.path))
    body = throughRelay(body, self);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (typeof value === 'string' && !['host', 'content-length', 'connection', 'transfer-encoding'].includes(name)) headers[name] = value;
  const answered = await fetch(`${upstream}${request.path}`, {
    method: request.method,
    headers,
    ...(body !== undefined && { body: new Uint8Array(body) }),
    redirect: 'manual',
  });
  const answer: BrokenAnswer = {
    status: answered.status,
    headers: {},
    body: (await answered.text()).replaceAll(upstream, self),
  };
  answered.headers.forEach((value, name) => {
    if (!['content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(name))
      answer.headers[name] = value.replaceAll(upstream, self);
  });
  return breakage.answer === undefined ? answer : breakage.answer(request, answer);
}

/** An ImsSession body whose notifUri leads to the relay, which knows where the AS's own notifUri is. */
function throughRelay(body: Buffer, self: string): Buffer {
  try {
    const session = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (typeof session.notifUri !== 'string') return body;
    return Buffer.from(JSON.stringify({ ...session, notifUri: `${self}${RELAY}?to=${encodeURIComponent(session.notifUri)}` }));
  } catch {
    return body;
  }
}

/** A notification from the reference server, changed by the breakage, posted on to the AS; the AS's answer goes back. */
async function relay(request: BrokenRequest, breakage: Breakage): Promise<BrokenAnswer> {
  const to = new URL(request.path, 'http://relay').searchParams.get('to') ?? '';
  const body = breakage.notification?.(JSON.parse(request.body.toString('utf8')) as Record<string, unknown>);
  if (body === undefined) return { status: 204, headers: {}, body: '' };
  const answered = await fetch(to, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const headers: Record<string, string> = {};
  const type = answered.headers.get('content-type');
  if (type !== null) headers['content-type'] = type;
  return { status: answered.status, headers, body: await answered.text() };
}
