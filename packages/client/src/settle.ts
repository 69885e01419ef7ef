import type { MmtelFailure, MmtelResult } from './client-options.js';
import { problemOf } from './problem.js';

/** What an openapi-fetch call resolves to, whatever the operation. */
export type FetchResult<T> = { data: T; error?: never; response: Response } | { data?: never; error: unknown; response: Response };

/**
 * The typed result of an openapi-fetch call. A failure is any answer that is not 2xx, including
 * one with no body (openapi-fetch leaves `error` undefined then) and a redirect past the limit.
 */
export function settle<T>(result: FetchResult<T>): MmtelResult<T | undefined> {
  if (!result.response.ok) return failure(result);
  return { data: result.data, response: result.response };
}

/** The failure of a call that was not answered 2xx, with its ProblemDetails. */
export function failure(result: { error?: unknown; response: Response }): MmtelFailure {
  return { error: problemOf(result.error, result.response), response: result.response };
}
