/**
 * The delay before retry number `attempt` (1 after the first failure): exponential backoff with
 * full jitter, a uniform draw in [0, min(maxMs, initialMs * 2^(attempt-1))].
 */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  // 2 ** 1100 is Infinity, which Math.min handles; no overflow to guard against.
  const ceiling = Math.min(maxMs, initialMs * 2 ** exponent);
  return Math.round(random() * ceiling);
}

const DELTA_SECONDS = /^\s*(\d+)\s*$/;
const HTTP_DATE_START = /^\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/i;

/**
 * The wait a `Retry-After` header asks for, in ms from `now` (epoch ms): delta-seconds or an
 * HTTP-date (RFC 9110 clause 10.2.3). Undefined when absent or unparsable; never negative.
 */
export function parseRetryAfter(header: string | readonly string[] | undefined, now: number): number | undefined {
  const value = typeof header === 'string' ? header : header?.[0];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const delta = DELTA_SECONDS.exec(value);
  if (delta !== null) return Number(delta[1]) * 1000;
  // Every HTTP-date form starts with a day name; Date.parse alone would take "-1" for a year.
  if (!HTTP_DATE_START.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
