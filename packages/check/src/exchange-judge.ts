import { AnswerJudge, type Problem } from './attacks/answer-check.js';
import { BUNDLED, loadSpec, type Operation, type SpecDocument } from './attacks/spec-documents.js';
import { SpecValidator } from './attacks/spec-validator.js';
import type { WireAnswer } from './attacks/wire.js';
import { CLAUSES, clauseOf } from './clauses.js';

/** One rule an exchange broke, with the clause that states the rule. */
export interface Violation {
  /** e.g. `TS 29.122 5.2.6`, `TS 29.392 6.4.3.2.3.1` */
  clause: string;
  message: string;
}

/**
 * Judges every answer the kit gets against the bundled specs, with Ajv (no Prism: see the CLI's
 * README): a status the operation declares, its required headers (Location on a 201), a JSON body
 * of the declared schema, and on a 4xx/5xx a ProblemDetails (`application/problem+json`, `status`
 * equal to the HTTP status, a `cause`).
 */
export class ExchangeJudge {
  private readonly problems: AnswerJudge;
  private readonly validators = new Map<SpecDocument, SpecValidator>();

  constructor() {
    this.problems = new AnswerJudge(loadSpec(BUNDLED.callControl));
  }

  /** What is wrong with `answer` to a request of `operation` (undefined: a request no operation declares). */
  judge(operation: Operation | undefined, answer: WireAnswer): Violation[] {
    const found: Violation[] = [];
    if (operation !== undefined) {
      const clause = clauseOf(operation.operationId);
      const { status } = answer;
      if (operation.declaredStatuses.length > 0 && !operation.declaredStatuses.includes(status))
        found.push({
          clause,
          message: `${operation.operationId} answered ${status}, a status it does not declare (${operation.declaredStatuses.join(', ')})`,
        });
      else if (status < 400) found.push(...this.successViolations(operation, answer, clause));
    }
    if (answer.status >= 400) found.push(...this.problemViolations(answer));
    return found;
  }

  /** The ProblemDetails of an error answer, or what is wrong with it. */
  problemOf(answer: WireAnswer): Problem | string {
    return this.problems.problemOf(answer);
  }

  /** The violations of a ProblemDetails answer alone (TS 29.122 5.2.6). */
  problemViolations(answer: WireAnswer): Violation[] {
    const clause = CLAUSES.errorHandling;
    const problem = this.problems.problemOf(answer);
    if (typeof problem === 'string') return [{ clause, message: `the ${answer.status} is not a ProblemDetails: ${problem}` }];
    const found: Violation[] = [];
    if (problem.status !== answer.status)
      found.push({ clause, message: `ProblemDetails.status is ${String(problem.status)}, the HTTP status ${answer.status}` });
    if (typeof problem.cause !== 'string') found.push({ clause, message: `the ${answer.status} ProblemDetails has no cause` });
    return found;
  }

  private successViolations(operation: Operation, answer: WireAnswer, clause: string): Violation[] {
    const found: Violation[] = [];
    for (const name of operation.requiredHeaders(answer.status))
      if (answer.headers[name] === undefined)
        found.push({ clause, message: `the ${answer.status} of ${operation.operationId} has no ${name} header` });
    const schema = operation.responseSchema(answer.status);
    if (schema === undefined) return found;
    const type = String(answer.headers['content-type'] ?? '');
    if (!/^application\/json(;|$)/i.test(type)) {
      found.push({ clause, message: `the ${answer.status} of ${operation.operationId} is "${type}", not application/json` });
      return found;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [...found, { clause, message: `the ${answer.status} body is not JSON: ${answer.text.slice(0, 200)}` }];
    }
    const errors = this.validatorOf(operation.spec).errors(schema, body);
    if (errors.length > 0)
      found.push({
        clause,
        message: `the ${answer.status} body of ${operation.operationId} breaks its schema: ${errors
          .slice(0, 5)
          .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
          .join('; ')}`,
      });
    return found;
  }

  /** The Ajv judge of one spec document, built once. */
  validatorOf(spec: SpecDocument): SpecValidator {
    let validator = this.validators.get(spec);
    if (validator === undefined) {
      validator = new SpecValidator(spec);
      this.validators.set(spec, validator);
    }
    return validator;
  }
}
