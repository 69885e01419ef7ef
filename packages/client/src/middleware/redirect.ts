import { discard, type FetchLike, type FetchWrapper } from '../fetch.js';
import { replayable } from './replay.js';

/** A resource that answered 308: its URI is now `to`. */
export interface PermanentRedirect {
  /** The URI that answered 308. */
  from: string;
  /** The new URI of the resource (the absolute `Location`). */
  to: string;
  /** The method of the redirected request. */
  method: string;
}

/** How 307 and 308 answers are followed. */
export interface RedirectOptions {
  /** Redirects followed for one request (default 3); the redirect after the last is returned as is. */
  maxRedirects?: number;
  /** Called after each 308, when later requests to `from` start going to `to`. */
  onPermanentRedirect?: (redirect: PermanentRedirect) => void;
}

/** The redirect-following fetch wrapper, which also knows where 308s moved resources. */
export interface RedirectWrapper extends FetchWrapper {
  /** Where a request to `uri` goes: `uri`, or the URI a 308 moved it to. */
  resolve(uri: string): string;
}

/**
 * Follows 307 and 308 answers: the same method, headers and body are sent to `Location`, for at
 * most `maxRedirects` hops. After a 308 the new URI replaces the old one for every later request
 * made through this wrapper (e.g. the PATCH and DELETE of a session whose PUT was redirected),
 * and `onPermanentRedirect` is told. The response's `url` is the URI that finally answered.
 * Requests sent through it must not be followed by fetch itself (`redirect: 'manual'`).
 *
 * @see 3GPP TS 29.122 clause 5.2.10
 */
export function withRedirects(options: RedirectOptions = {}): RedirectWrapper {
  const maxRedirects = options.maxRedirects ?? 3;
  const moved = new Map<string, string>();

  const resolve = (uri: string): string => {
    // Nothing moved (the usual case): no lookup, which would hash the whole URI.
    if (moved.size === 0) return uri;
    let current = uri;
    // A chain of 308s, bounded in case two instances point at each other.
    for (let hops = 0; hops <= maxRedirects; hops++) {
      const next = moved.get(current);
      if (next === undefined) return current;
      current = next;
    }
    return current;
  };

  const wrap =
    (next: FetchLike): FetchLike =>
    async (request) => {
      const prepared = replayable(request);
      const copy = typeof prepared === 'function' ? prepared : await prepared;
      let url = resolve(request.url);
      for (let hop = 0; ; hop++) {
        const response = await next(copy({ url }));
        // Only a 307 or 308 has its Location read (a header lookup every answer would pay).
        const location = response.status === 307 || response.status === 308 ? response.headers.get('location') : null;
        if (location === null || hop >= maxRedirects) {
          // A released resource will not be asked for again: forget where it moved.
          if (request.method === 'DELETE' && response.ok) moved.delete(request.url);
          return response;
        }
        const target = new URL(location, url).href;
        if (response.status === 308) {
          moved.set(url, target);
          if (url !== request.url) moved.set(request.url, target);
          options.onPermanentRedirect?.({ from: url, to: target, method: request.method });
        }
        await discard(response);
        url = target;
      }
    };
  return Object.assign(wrap, { resolve });
}
