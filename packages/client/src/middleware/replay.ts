// A Request body can be read once, and in Node 20 a Request built from another Request with a
// body pipes it through a new stream (costly). So the client remembers each request's body as
// given (a string for JSON): wrappers that re-send (redirects, retries, a 401 refresh) send the
// original first and build copies from that memory only to send again, and the last step hands
// fetch a URL and an init rather than the Request.
//
// A typed operation of a client where no middleware of the caller's can see its request goes
// further: it builds no Request at all, but a request plan (requestPlan): an object of the
// ReplayableRequest class that holds the URL, method, headers, signal and redirect mode the
// fetch chain reads, with the body in the memory, and that never reaches code outside the
// client. fetch's own Request is then the one Request of the call; in Node 20 each Request
// costs an AbortController, a headers list and, with a string body, a ReadableStream.
// A plan may carry the answer of its first attempt, sent before the chain was asked
// (first-attempt.ts): the chain's last step then gives that answer back instead of sending.

import { startAttempt } from '../attempt-timeout.js';

/** A body that can be given to any number of requests. */
type ReusableBody = string | ArrayBuffer | URLSearchParams | Blob | null;

/** What is remembered of a request: its body, and the signal its maker gave (none: never aborted). */
interface Memory {
  body: ReusableBody;
  signal: AbortSignal | undefined;
  /** A request plan, not a Request: it must be built before it leaves the client. */
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
    super(input, init);
    if (input instanceof Request) return;
    const body = init?.body;
    const signal = init?.signal ?? undefined;
    if (body === undefined || body === null) memories.set(this, { body: null, signal });
    else if (reusable(body)) memories.set(this, { body, signal });
  }
}

// The signal of a plan made without one: nothing aborts it (a Request's own signal, likewise).
const NEVER_ABORTED = new AbortController().signal;

/** Header names (lower case) and values of a plan, as fetch takes them. */
export type HeaderRecord = Readonly<Record<string, string>>;

/** What a request plan holds: the fields of a Request that the fetch chain reads. */
export interface PlannedRequest {
  url: string;
  method: string;
  /** A record, made into Headers only if a wrapper reads them (fetch takes the record). */
  headers: Headers | HeaderRecord;
  signal?: AbortSignal | undefined;
  body: string | null;
}

// A plan keeps its memory and its headers as given in fields of its own: no WeakMap entry per call.
const PLAN_MEMORY = Symbol('memory');
const PLAN_HEADERS = Symbol('headers');
const PLAN_ANSWER = Symbol('answer');

/** The fields of a plan beyond those of a Request. */
interface PlanFields {
  [PLAN_MEMORY]: Memory;
  [PLAN_HEADERS]: Headers | HeaderRecord;
  /** The first attempt's answer, already sent for; taken by the chain's last step. */
  [PLAN_ANSWER]?: Promise<Response> | undefined;
}

// Request's own getters refuse an object that is not a Request; a plan has its url, method and
// signal as fields of its own (the prototype's writable placeholders let them be assigned), its
// Headers made at the first read (Request's other members stay unusable: nothing here calls them
// on a plan).
const planPrototype = Object.create(ReplayableRequest.prototype, {
  url: { value: '', writable: true },
  method: { value: '', writable: true },
  signal: { value: NEVER_ABORTED, writable: true },
  redirect: { value: 'manual' },
  headers: {
    get(this: PlanFields) {
      const given = this[PLAN_HEADERS];
      if (given instanceof Headers) return given;
      const headers = new Headers(given);
      this[PLAN_HEADERS] = headers;
      return headers;
    },
  },
}) as object;

/**
 * A request plan: what the fetch chain reads of a Request (redirects are the chain's: `manual`),
 * the body in the memory. Built for a typed operation whose request no code of the caller's sees.
 * `answered`: the settlement of its first attempt, made already, which the chain's last step
 * ({@link sendRequest}) takes as that attempt's instead of sending the plan.
 */
export function requestPlan(plan: PlannedRequest, answered?: Promise<Response>): Request {
  // Object.create returns any: the plan stands in for a Request inside the fetch chain only.
  const request = Object.create(planPrototype) as { -readonly [K in 'url' | 'method' | 'signal']: Request[K] } & PlanFields;
  request.url = plan.url;
  request.method = plan.method;
  if (plan.signal !== undefined) request.signal = plan.signal;
  request[PLAN_HEADERS] = plan.headers;
  request[PLAN_MEMORY] = { body: plan.body, signal: plan.signal, lean: true };
  if (answered !== undefined) request[PLAN_ANSWER] = answered;
  return request as unknown as Request;
}

/** What is remembered of `request`: a plan's memory, or a remembered Request's. */
function memoryOf(request: Request): Memory | undefined {
  return (request as Partial<PlanFields>)[PLAN_MEMORY] ?? memories.get(request);
}

/** The headers to give fetch: a plan's record while no wrapper has asked for Headers. */
function headersToSend(request: Request): Headers | HeaderRecord {
  return (request as Partial<PlanFields>)[PLAN_HEADERS] ?? request.headers;
}

/** A real Request with its body: a lean request (a plan) is built (for a fetch that is not ours). */
export function withBody(request: Request): Request {
  const memory = memoryOf(request);
  if (memory?.lean !== true) return request;
  const full = new Request(request.url, {
    method: request.method,
    headers: headersToSend(request),
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
 * a changed URL, header or signal makes a copy. A request whose body is remembered (a plan, or
 * one the clients built) is ready at once; another one's body is read first (hence the promise).
 */
export function replayable(request: Request): RequestCopier | Promise<RequestCopier> {
  const memory = memoryOf(request);
  if (memory !== undefined) return copier(request, memory, request);
  if (request.body === null) return copier(request, { body: null, signal: request.signal }, request);
  return request.arrayBuffer().then((body) => copier(request, { body, signal: request.signal }, undefined));
}

/** The copier of `request`: `original` is sent first if it can still be (its body unread). */
function copier(request: Request, { body, signal: givenSignal }: Memory, original: Request | undefined): RequestCopier {
  return ({ url = request.url, headers, signal = givenSignal } = {}) => {
    if (original !== undefined && url === request.url && headers === undefined && signal === givenSignal) {
      const first = original;
      original = undefined;
      return first;
    }
    const copy = new Request(url, {
      method: request.method,
      headers: headersToSend(request),
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
    const answered = (request as Partial<PlanFields>)[PLAN_ANSWER];
    if (answered !== undefined) {
      (request as Partial<PlanFields>)[PLAN_ANSWER] = undefined;
      return answered;
    }
    const memory = memoryOf(request);
    // The signal goes to the global fetch only: it may be a lent one (attempt-timeout.ts).
    const attempt = startAttempt(givenSignal(request), timeoutMs, true);
    const { signal } = attempt;
    if (memory === undefined)
      return attempt.watch(fetch(signal === request.signal ? request : new Request(request, signal === undefined ? {} : { signal })));
    return attempt.watch(
      fetch(request.url, {
        method: request.method,
        headers: headersToSend(request),
        body: memory.body,
        redirect: request.redirect,
        ...(signal !== undefined && { signal }),
      }),
    );
  };
}

/** The signal a request was made with; undefined when nothing but a timeout can abort it. */
export function givenSignal(request: Request): AbortSignal | undefined {
  const memory = memoryOf(request);
  return memory === undefined ? request.signal : memory.signal;
}
