import type { CallControl } from '@mmtel/types';
import type { Middleware } from 'openapi-fetch';
import { responseSettled } from './attempt-timeout.js';

/** TS 29.122 ProblemDetails: the body of every 4xx/5xx answer. */
export type ProblemDetails = CallControl.components['schemas']['ProblemDetails'];
/** One invalid parameter of a 400: `param` is a JSON Pointer into the body, or a header name. */
export type InvalidParam = CallControl.components['schemas']['InvalidParam'];

/**
 * The error the client throws for a 4xx/5xx answer when made with `throwOnError: true`.
 *
 * @see 3GPP TS 29.122 clause 5.2.6
 */
export class MmtelProblemError extends Error {
  override readonly name = 'MmtelProblemError';
  /** The HTTP status. */
  readonly status: number;
  /** The 3GPP application error cause (`SESSION_NOT_FOUND`, …), when the server sent one. */
  override readonly cause: string | undefined;
  /** The invalid parameters of a 400, empty otherwise. */
  readonly invalidParams: InvalidParam[];
  /** The whole ProblemDetails. */
  readonly problem: ProblemDetails;
  /** The response (its body already read). */
  readonly response: Response;

  constructor(problem: ProblemDetails, response: Response) {
    const status = problem.status ?? response.status;
    super(
      `${status}${problem.cause ? ` ${problem.cause}` : ''}: ${problem.detail ?? problem.title ?? response.statusText}${reasons(problem)}`,
    );
    this.status = status;
    this.cause = problem.cause;
    this.invalidParams = problem.invalidParams ?? [];
    this.problem = problem;
    this.response = response;
  }
}

/**
 * The ProblemDetails of a failed response: its parsed body when that is an object (the status
 * filled in if missing), otherwise one made from the status line and whatever text came.
 */
export function problemOf(body: unknown, response: Response): ProblemDetails {
  if (isProblemDetails(body)) return body.status === undefined ? { ...body, status: response.status } : body;
  const title = response.statusText || `HTTP ${response.status}`;
  return typeof body === 'string' && body !== '' ? { status: response.status, title, detail: body } : { status: response.status, title };
}

/**
 * openapi-fetch middleware that throws a {@link MmtelProblemError} for every answer that is not
 * 2xx; `throwOnError: true` installs it.
 */
export function throwOnProblem(): Middleware {
  return {
    async onResponse({ response }) {
      if (response.ok) return undefined;
      const text = await response.clone().text();
      // The answer is read: its attempt's timeout has nothing left to bound.
      responseSettled(response);
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: the text becomes the detail.
      }
      throw new MmtelProblemError(problemOf(body, response), response);
    },
  };
}

/**
 * The invalid parameters that come with a reason, for the message: ` (/imsSessionInfo/calledParty:
 * must be a SIP URI …; /suppFeat: …)`, so that a log line of the error says what to fix.
 */
function reasons(problem: ProblemDetails): string {
  const named = (problem.invalidParams ?? []).filter((param) => param.reason !== undefined && param.reason !== '');
  if (named.length === 0) return '';
  return ` (${named.map((param) => `${param.param === '' ? 'the body' : param.param}: ${param.reason}`).join('; ')})`;
}

function isProblemDetails(value: unknown): value is ProblemDetails {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
