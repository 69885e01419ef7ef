// A Request body can be read once, and in Node 20 a Request built from another Request with a
// body pipes it through a new stream (costly). So the client remembers each request's body as
// given (a string for JSON): wrappers that re-send (redirects, retries, a 401 refresh) send the
// original first and build copies from that memory only to send again, and the last step hands
// fetch a URL and an init rather than the Request.
//
// A typed operation of a client where no middleware of the caller's can see its Request goes
// further: its Request is built without the body (a lean Request), which then lives only in the
// memory; fetch's own Request is the one per call that carries it. In Node 20 a Request with a
// string body costs three to four times one without (its body becomes a ReadableStream).

import { startAttempt } from '../attempt-timeout.js';

/** A body that can be given to any number of requests. */
type ReusableBody = string | ArrayBuffer | URLSearchParams | Blob | null;

/** What is remembered of a request: its body, and the signal its maker gave (none: never aborted). */
interface Memory {
  body: ReusableBody;
  signal: AbortSignal | undefined;
  /** The body is only here: the Request itself was built without it. */
  lean?: true;
}

const memories = new WeakMap<Request, Memory>();

function reusable(body: BodyInit | null | undefined): body is Exclude<ReusableBody, null> {
  return typeof body === 'string' || body instanceof ArrayBuffer || body instanceof URLSearchParams || body instanceof Blob;
}

/**
 * A Request that remembers the body and signal it was made with, so that re-sending it reads no
 * stream. The clients build their requests with it (openapi-fetch's `Request` option).
 */
export class ReplayableRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    const lean = leanNext && !(input instanceof Request) && reusable(init?.body);
    leanNext = false;
    super(input, lean ? { ...init, body: null } : init);
    if (input instanceof Request) return;
    const body = init?.body;
    const signal = init?.signal ?? undefined;
    if (body === undefined || body === null) memories.set(this, { body: null, signal });
    else if (reusable(body)) memories.set(this, lean ? { body, signal, lean } : { body, signal });
  }
}

let leanNext = false;

/**
 * Runs `call`, which must build its one ReplayableRequest synchronously (an openapi-fetch call
 * does, before its first await), with that Request lean: its body only in the memory. Only for
 * calls whose Request no code of the caller's sees: a middleware could read the body from it, or
 * copy it with `new Request(request)` and lose the body.
 */
export function withLeanRequest<T>(call: () => T): T {
  leanNext = true;
  try {
    return call();
  } finally {
    // Cleared even if the call built no Request, so that no later Request is lean by mistake.
    leanNext = false;
  }
}

/** The request with its body in it: a lean request is rebuilt (for a fetch that is not ours). */
export function withBody(request: Request): Request {
  const memory = memories.get(request);
  if (memory?.lean !== true) return request;
  const full = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: memory.body,
    redirect: request.redirect,
    ...(memory.signal !== undefined && { signal: memory.signal }),
  });
  memories.set(full, { body: memory.body, signal: memory.signal });
  return full;
}

/** A change to the request to send. */
export interface RequestChange {
  url?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

/** Makes the request to send: the original the first time, a fresh copy after that or when changed. */
export type RequestCopier = (change?: RequestChange) => Request;

/**
 * Prepares `request` to be sent more than once. Wrappers never change a request they are given:
 * a changed URL, header or signal makes a copy.
 */
export async function replayable(request: Request): Promise<RequestCopier> {
  let memory = memories.get(request);
  let original: Request | undefined = request;
  if (memory === undefined) {
    memory = { body: request.body === null ? null : await request.arrayBuffer(), signal: request.signal };
    if (memory.body !== null) original = undefined;
  }
  const { body, signal: givenSignal } = memory;
  return ({ url = request.url, headers, signal = givenSignal } = {}) => {
    if (original !== undefined && url === request.url && headers === undefined && signal === givenSignal) {
      const first = original;
      original = undefined;
      return first;
    }
    const copy = new Request(url, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: 'manual',
      ...(signal !== undefined && { signal }),
    });
    if (headers !== undefined) for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
    memories.set(copy, { body, signal });
    return copy;
  };
}

/**
 * The last step of the clients' fetch chain: sends a remembered request with the global fetch as
 * a URL and an init (no stream copy), each attempt bounded by `timeoutMs` (a `TimeoutError`).
 */
export function sendRequest(timeoutMs: number | undefined): (request: Request) => Promise<Response> {
  return (request) => {
    const memory = memories.get(request);
    const attempt = startAttempt(givenSignal(request), timeoutMs);
    const { signal } = attempt;
    if (memory === undefined)
      return attempt.watch(fetch(signal === request.signal ? request : new Request(request, signal === undefined ? {} : { signal })));
    return attempt.watch(
      fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: memory.body,
        redirect: request.redirect,
        ...(signal !== undefined && { signal }),
      }),
    );
  };
}

/** The signal a request was made with; undefined when nothing but a timeout can abort it. */
export function givenSignal(request: Request): AbortSignal | undefined {
  const memory = memories.get(request);
  return memory === undefined ? request.signal : memory.signal;
}
