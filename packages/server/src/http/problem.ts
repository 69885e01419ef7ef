import { Cause, problem, type CauseName, type InvalidParam, type ProblemDetails } from '@mmtel/validation';

// The catalogue of causes is the validation core's, shared with the receiver.
export { Cause, problem, type CauseName, type InvalidParam, type ProblemDetails } from '@mmtel/validation';

/**
 * A documented failure raised below the handler layer (e.g. by the session service) and turned
 * into its ProblemDetails by the one error handler.
 */
export class ProblemError extends Error {
  readonly problem: ProblemDetails & { status: number };
  readonly headers: Record<string, string>;

  constructor(cause: CauseName, detail?: string, invalidParams?: InvalidParam[], headers: Record<string, string> = {}) {
    super(detail ?? Cause[cause].title);
    this.name = 'ProblemError';
    this.problem = problem(cause, detail, invalidParams);
    this.headers = headers;
  }

  get status(): number {
    return this.problem.status;
  }
}
