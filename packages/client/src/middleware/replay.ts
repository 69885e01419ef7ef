// A Request body can be read once, and in Node 20 a Request built from another Request with a
// body pipes it through a new stream (costly). So the client remembers each request's body as
// given (a string for JSON): wrappers that re-send (redirects, retries, a 401 refresh) send the
// original first and build copies from that memory only to send again, and the last step hands
// fetch a URL and an init rather than the Request.

/** A body that can be given to any number of requests. */
type ReusableBody = string | ArrayBuffer | URLSearchParams | Blob | null;

/** What is remembered of a request: its body, and the signal its maker gave (none: never aborted). */
interface Memory {
  body: ReusableBody;
  signal: AbortSignal | undefined;
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
    super(input, init);
    if (input instanceof Request) return;
    const body = init?.body;
    const signal = init?.signal ?? undefined;
    if (body === undefined || body === null) memories.set(this, { body: null, signal });
    else if (reusable(body)) memories.set(this, { body, signal });
  }
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
    const signal = anySignal(givenSignal(request), timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs));
    if (memory === undefined)
      return fetch(signal === request.signal ? request : new Request(request, signal === undefined ? {} : { signal }));
    return fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: memory.body,
      redirect: request.redirect,
      ...(signal !== undefined && { signal }),
    });
  };
}

/** The signal a request was made with; undefined when nothing but a timeout can abort it. */
export function givenSignal(request: Request): AbortSignal | undefined {
  const memory = memories.get(request);
  return memory === undefined ? request.signal : memory.signal;
}

/** `signal` and `timeout` together, either alone when the other is missing. */
export function anySignal(signal: AbortSignal | undefined, timeout: AbortSignal | undefined): AbortSignal | undefined {
  if (signal === undefined) return timeout;
  return timeout === undefined ? signal : AbortSignal.any([signal, timeout]);
}
