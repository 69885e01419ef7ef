import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One notification that went through the forwarder, and what the AS made of it. */
export interface Forwarded {
  method: string;
  /** The path (and query) it was posted to. */
  path: string;
  /** The URL it was forwarded to. */
  target: string;
  headers: IncomingHttpHeaders;
  /** The body, byte for byte. */
  body: Buffer;
  /** The AS's answer, or why there was none (the sender then got a 503). */
  answer: { status: number; headers: Headers; body: Buffer } | { error: string };
}

/** Options of {@link createForwarder}. */
export interface ForwarderOptions {
  /** The AS: the request's path is appended to this URL's path. */
  forwardTo: URL;
  /** Told of every request, once the AS has answered (or could not). */
  onForwarded: (forwarded: Forwarded) => void;
  /** The longest body taken (default 1 MiB); a longer one is answered 413. */
  bodyLimit?: number;
}

// Hop-by-hop headers (RFC 9110 clause 7.6.1) belong to one connection; the body's length is
// set again by whoever sends it on.
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'content-length',
]);

/**
 * A relay between a notification sender and an AS in development: every request is passed on
 * unchanged (method, headers, body) to `forwardTo` + its path, and the AS's answer (status,
 * headers such as Location, body) goes back unchanged. Redirects are not followed: a 307/308 is
 * the AS's answer to the sender. An AS that cannot be reached is answered 503 ProblemDetails, so
 * that the sender keeps the notification and tries again.
 */
export function createForwarder(options: ForwarderOptions): Server {
  const limit = options.bodyLimit ?? 1024 * 1024;
  return createServer((request, response) => {
    void relay(request, response, options, limit);
  });
}

async function relay(request: IncomingMessage, response: ServerResponse, options: ForwarderOptions, limit: number): Promise<void> {
  const path = request.url ?? '/';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      problem(response, 413, 'Payload Too Large', `mmtel listen takes bodies up to ${limit} bytes.`);
      request.resume();
      return;
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  const target = joinTarget(options.forwardTo, path);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const method = request.method ?? 'POST';
  let answer: Forwarded['answer'];
  try {
    const reply = await fetch(target, {
      method,
      headers,
      ...(method !== 'GET' && method !== 'HEAD' && { body }),
      redirect: 'manual',
    });
    answer = { status: reply.status, headers: reply.headers, body: Buffer.from(await reply.arrayBuffer()) };
    const out: Record<string, string | string[]> = {};
    reply.headers.forEach((value, name) => {
      if (!NOT_FORWARDED.has(name) && name !== 'content-encoding') out[name] = value;
    });
    const cookies = reply.headers.getSetCookie();
    if (cookies.length > 0) out['set-cookie'] = cookies;
    // fetch has decoded a compressed body: it goes back as it now is, without content-encoding.
    response.writeHead(reply.status, out).end(answer.body);
  } catch (error) {
    answer = { error: causeOf(error) };
    problem(response, 503, 'Service Unavailable', `mmtel listen could not forward to ${target}: ${answer.error}`);
  }
  options.onForwarded({ method, path, target, headers: request.headers, body, answer });
}

/** The URL a request is forwarded to: the forward URL's path, then the request's path and query. */
export function joinTarget(forwardTo: URL, path: string): string {
  const url = new URL(forwardTo);
  const [pathname = '/', query] = path.split('?', 2);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${pathname}`;
  if (query !== undefined) url.search = query;
  return url.href;
}

function problem(response: ServerResponse, status: number, title: string, detail: string): void {
  response.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status, title, detail }));
}

/** The deepest cause: fetch says "fetch failed" and hides "connect ECONNREFUSED 127.0.0.1:3000". */
function causeOf(error: unknown): string {
  let deepest = error;
  while (deepest instanceof Error && deepest.cause instanceof Error) deepest = deepest.cause;
  return deepest instanceof Error ? deepest.message : String(deepest);
}
