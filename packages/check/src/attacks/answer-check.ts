import type { Expectation } from './mutations.js';
import { componentSchema, type SpecDocument } from './spec-documents.js';
import { SpecValidator } from './spec-validator.js';
import type { WireAnswer } from './wire.js';

/** A ProblemDetails body as the checks read it. */
export interface Problem {
  status?: unknown;
  title?: unknown;
  cause?: unknown;
  invalidParams?: Array<{ param: string; reason?: string }>;
}

/**
 * Judges answers by TS 29.122 clause 5.2.6: every 4xx/5xx is `application/problem+json` whose
 * body is a ProblemDetails of the spec, with `status` equal to the HTTP status; never a 5xx
 * unless the expectation names it; the expected status, cause and invalidParams pointer.
 */
export class AnswerJudge {
  private readonly validator: SpecValidator;

  constructor(private readonly spec: SpecDocument) {
    this.validator = new SpecValidator(spec);
  }

  /** What is wrong with `answer` given `expect`; empty when it is right. */
  violations(answer: WireAnswer, expect: Expectation): string[] {
    const found: string[] = [];
    if (answer.status >= 500 && !expect.statuses.includes(answer.status)) found.push(`answered ${answer.status}: a server error`);
    else if (!expect.statuses.includes(answer.status)) found.push(`answered ${answer.status}, expected ${expect.statuses.join(' or ')}`);
    if (answer.status >= 400) found.push(...this.problemViolations(answer, expect));
    return found;
  }

  /** The ProblemDetails of an error answer, or what is wrong with it. */
  problemOf(answer: WireAnswer): Problem | string {
    const type = String(answer.headers['content-type'] ?? '');
    if (!/^application\/problem\+json(;|$)/i.test(type)) return `content-type is "${type}", not application/problem+json`;
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return `the body is not JSON: ${answer.text.slice(0, 200)}`;
    }
    const errors = this.validator.errors(componentSchema(this.spec, 'ProblemDetails'), body);
    if (errors.length > 0)
      return `the body is not a ProblemDetails: ${errors.map((e) => `${e.instancePath} ${e.message ?? e.keyword}`).join('; ')}`;
    return body as Problem;
  }

  private problemViolations(answer: WireAnswer, expect: Expectation): string[] {
    const problem = this.problemOf(answer);
    if (typeof problem === 'string') return [problem];
    const found: string[] = [];
    if (problem.status !== answer.status)
      found.push(`ProblemDetails.status is ${String(problem.status)}, the HTTP status ${answer.status}`);
    if (typeof problem.cause !== 'string') found.push('ProblemDetails has no cause');
    const causes = expect.cause === undefined ? undefined : typeof expect.cause === 'string' ? [expect.cause] : expect.cause;
    if (causes !== undefined && expect.statuses.includes(answer.status) && !causes.includes(String(problem.cause))) {
      found.push(`cause ${String(problem.cause)}, expected ${causes.join(' or ')}`);
    }
    if (expect.param !== undefined && answer.status === 400 && !(problem.invalidParams ?? []).some((p) => p.param === expect.param)) {
      found.push(`invalidParams ${JSON.stringify(problem.invalidParams ?? [])} does not name ${expect.param}`);
    }
    return found;
  }
}
