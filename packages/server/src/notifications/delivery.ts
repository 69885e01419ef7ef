import type { LookupFunction } from 'node:net';
import type { Agent, Dispatcher } from 'undici';

type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;
/**
 * undici, imported on the first delivery: loading it takes ~90 ms (a third of a second on a busy
 * machine), which a start that has nothing to send yet should not wait for.
 */
function loadUndici(): Promise<Undici> {
  return (undici ??= import('undici'));
}
import { parseRetryAfter } from './backoff.js';

/** Checks a URL before any request goes to it (SSRF policy); rejects to refuse the target. */
export type TargetCheck = (url: URL) => Promise<void>;

/** How one delivery attempt behaves. */
export interface DeliveryOptions {
  /** Bound on each phase of a request hop: connecting, awaiting the answer's headers, each pause in its body. */
  timeoutMs: number;
  /** Redirects followed per attempt; one more is a failure (TS 29.122 clause 5.2.10 loop guard). */
  maxRedirects: number;
  /** Called before every request, each redirect hop included. */
  checkTarget?: TargetCheck | undefined;
  /** Resolves host names when connecting; fails with code ERR_TARGET_REJECTED to refuse the address. */
  lookup?: LookupFunction | undefined;
}

/** One 307/308 answer followed during an attempt. */
export interface RedirectHop {
  status: 307 | 308;
  from: string;
  location: string;
  /** `cause` of the RedirectResponse body, when the receiver sent one (TS 29.175 style). */
  cause?: string;
}

interface OutcomeBase {
  /** The URI of the last request made. */
  target: string;
  /** The last HTTP status received, if any. */
  status?: number;
  /** The redirects followed, in order. */
  redirects: RedirectHop[];
  /**
   * Where the last 308 of the chain pointed: the caller stores it as the notification URI for
   * later notifications (TS 29.122 clause 5.2.10).
   */
  permanentTarget?: string;
  /** The `cause` of a ProblemDetails or RedirectResponse body answered last. */
  cause?: string;
}

/**
 * The classified result of one delivery attempt. `reason` is a short, low-cardinality label
 * (for metrics); `error` is the human-readable account.
 */
export type DeliveryOutcome =
  | (OutcomeBase & { kind: 'delivered'; status: number })
  | (OutcomeBase & { kind: 'retry'; reason: string; error: string; retryAfterMs?: number })
  | (OutcomeBase & { kind: 'failed'; reason: string; error: string });

/** The 404 causes that mean the receiver will never take the notification (TS 29.392 CallEvent). */
export const TERMINAL_404_CAUSES: ReadonlySet<string> = new Set(['USER_NOT_FOUND', 'NOTIFICATION_URI_NOT_FOUND']);

/** Response bodies larger than this are not parsed, only discarded. */
const MAX_PARSED_BODY_BYTES = 64 * 1024;

/** Parsed targets kept (see NotificationSender); past this many the cache starts again. */
const PARSED_TARGETS = 1_000;

/**
 * A target parsed once: its URL (for the SSRF check and relative Locations) and the origin and
 * path undici's pool is asked with, as undici's `request(url)` would derive them on every call.
 */
interface ParsedTarget {
  url: URL;
  origin: string;
  path: string;
}

const REQUEST_HEADERS = { 'content-type': 'application/json', accept: 'application/json, application/problem+json' };

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

/** Reads a small JSON body (ProblemDetails, RedirectResponse); always leaves the body consumed. */
async function readJsonBody(response: Dispatcher.ResponseData): Promise<unknown> {
  const contentType = header(response.headers, 'content-type') ?? '';
  if (!/[/+]json\b/i.test(contentType)) {
    await response.body.dump();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PARSED_BODY_BYTES) {
      response.body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function causeOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const cause = (body as { cause?: unknown }).cause;
  return typeof cause === 'string' ? cause : undefined;
}

/** What one request hop produced: an answer, or a transport failure already classified. */
type HopResult =
  | { answered: true; status: number; location: string | undefined; retryAfter: string | undefined; cause: string | undefined }
  | { answered: false; kind: 'retry' | 'failed'; reason: string; error: string };

/**
 * Sends notifications over HTTP/1.1 with keep-alive: POST `application/json`, following 307/308
 * to `Location` with the same body (TS 29.122 clauses 5.2.5.2 and 5.2.10).
 */
export class NotificationSender {
  readonly #options: DeliveryOptions & { connections?: number };
  /** The pool, once undici is loaded (see loadUndici). */
  #agent: Agent | undefined;
  #loading: Promise<Agent> | undefined;
  /** Targets already parsed and found http(s): a deployment sends most notifications to few URIs. */
  readonly #parsed = new Map<string, ParsedTarget>();

  constructor(options: DeliveryOptions & { connections?: number }) {
    this.#options = options;
  }

  /** Loads undici and makes the pool, once; every later delivery takes it without awaiting. */
  #load(): Promise<Agent> {
    const options = this.#options;
    return (this.#loading ??= loadUndici().then(({ Agent }) => {
      // undici's own timers bound each phase; a per-request AbortSignal would cost more than the POST.
      const agent = new Agent({
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
        connect: { timeout: options.timeoutMs, ...(options.lookup !== undefined && { lookup: options.lookup }) },
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
        ...(options.connections !== undefined ? { connections: options.connections } : {}),
      });
      this.#agent = agent;
      return agent;
    }));
  }

  /** Makes one delivery attempt of `body` (already serialized JSON) to `target`. */
  async send(target: string, body: string): Promise<DeliveryOutcome> {
    const redirects: RedirectHop[] = [];
    let permanentTarget: string | undefined;
    let current = target;
    for (;;) {
      const base: OutcomeBase = { target: current, redirects };
      if (permanentTarget !== undefined) base.permanentTarget = permanentTarget;
      let parsed = this.#parsed.get(current);
      if (parsed === undefined) {
        let url: URL;
        try {
          url = new URL(current);
        } catch {
          return { ...base, kind: 'failed', reason: 'invalid_target', error: `not a URI: ${current}` };
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
          return { ...base, kind: 'failed', reason: 'invalid_target', error: `not an http(s) URI: ${current}` };
        }
        parsed = { url, origin: url.origin, path: url.search ? `${url.pathname}${url.search}` : url.pathname };
        if (this.#parsed.size >= PARSED_TARGETS) this.#parsed.clear();
        this.#parsed.set(current, parsed);
      }
      const { url } = parsed;
      if (this.#options.checkTarget !== undefined) {
        try {
          await this.#options.checkTarget(url);
        } catch (err) {
          return { ...base, kind: 'failed', reason: 'target_rejected', error: `target refused: ${describe(err)}` };
        }
      }

      const hop = await this.#post(parsed, body);
      if (!hop.answered) return { ...base, kind: hop.kind, reason: hop.reason, error: hop.error };
      const { status, location, cause } = hop;
      base.status = status;
      if (cause !== undefined) base.cause = cause;
      if (status >= 200 && status < 300) return { ...base, kind: 'delivered', status };

      if (status === 307 || status === 308) {
        if (location === undefined || location === '') {
          return { ...base, kind: 'failed', reason: 'redirect_without_location', error: `${status} without Location from ${current}` };
        }
        if (redirects.length >= this.#options.maxRedirects) {
          return {
            ...base,
            kind: 'failed',
            reason: 'too_many_redirects',
            error: `more than ${this.#options.maxRedirects} redirects, the last from ${current}`,
          };
        }
        let next: string;
        try {
          next = new URL(location, url).href;
        } catch {
          return {
            ...base,
            kind: 'failed',
            reason: 'invalid_target',
            error: `${status} with a bad Location "${location}" from ${current}`,
          };
        }
        redirects.push(cause !== undefined ? { status, from: current, location: next, cause } : { status, from: current, location: next });
        if (status === 308) permanentTarget = next;
        current = next;
        continue;
      }

      const error = `HTTP ${status}${cause !== undefined ? ` ${cause}` : ''} from ${current}`;
      if (status === 429 || status >= 500) {
        const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(hop.retryAfter, Date.now()) : undefined;
        const outcome: DeliveryOutcome = { ...base, kind: 'retry', reason: `http_${status}`, error };
        if (retryAfterMs !== undefined) outcome.retryAfterMs = retryAfterMs;
        return outcome;
      }
      if (status === 404 && cause !== undefined && TERMINAL_404_CAUSES.has(cause)) return { ...base, kind: 'failed', reason: cause, error };
      return { ...base, kind: 'failed', reason: `http_${status}`, error };
    }
  }

  /**
   * One POST; always consumes the answer's body so that the connection is reused. The pool is
   * asked directly, with the target's origin and path worked out once (undici's `request(url)`
   * parses and spreads its options again on every call).
   */
  async #post(target: ParsedTarget, body: string): Promise<HopResult> {
    const { url } = target;
    try {
      const agent = this.#agent ?? (await this.#load());
      const response = await agent.request({ origin: target.origin, path: target.path, method: 'POST', headers: REQUEST_HEADERS, body });
      const status = response.statusCode;
      if (status >= 200 && status < 300) {
        // The receiver has the notification once it answered 2xx; a broken body changes nothing.
        await response.body.dump().catch(() => undefined);
        return { answered: true, status, location: undefined, retryAfter: undefined, cause: undefined };
      }
      // The status decides; a body that breaks off only loses the cause.
      const cause = causeOf(await readJsonBody(response).catch(() => undefined));
      return {
        answered: true,
        status,
        location: header(response.headers, 'location'),
        retryAfter: header(response.headers, 'retry-after'),
        cause,
      };
    } catch (err) {
      const code = errorCode(err) ?? '';
      if (code === 'ERR_TARGET_REJECTED')
        return { answered: false, kind: 'failed', reason: 'target_rejected', error: `target refused: ${describe(err)}` };
      if (TIMEOUT_CODES.has(code)) {
        return {
          answered: false,
          kind: 'retry',
          reason: 'timeout',
          error: `${describe(err)} (${this.#options.timeoutMs} ms, ${url.href})`,
        };
      }
      if (code.startsWith('UND_ERR_INVALID') || code === 'UND_ERR_NOT_SUPPORTED') {
        return { answered: false, kind: 'failed', reason: 'invalid_request', error: describe(err) };
      }
      return { answered: false, kind: 'retry', reason: 'connection_error', error: `${describe(err)} (${url.href})` };
    }
  }

  /** Closes the kept-alive connections once the requests in flight have ended. */
  async close(): Promise<void> {
    // Nothing to close when nothing was ever sent (undici not even loaded).
    if (this.#loading !== undefined) await (await this.#loading).close();
  }
}
