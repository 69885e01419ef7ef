import fc from 'fast-check';
import { AnswerJudge } from '../attacks/answer-check.js';
import { bodyAttacks, type Attack } from '../attacks/body-attacks.js';
import { mutationsOf, type Expectation, type Mutation } from '../attacks/mutations.js';
import { BUNDLED, loadSpec } from '../attacks/spec-documents.js';
import { curlOf, type WireAnswer, type WireRequest } from '../attacks/wire.js';
import type { Check, CheckContext } from '../check-context.js';
import { CLAUSES } from '../clauses.js';
import { callControl, sessionBody, sessionsPath } from './operations.js';

/** One hostile request and what its answer must be. */
interface HostileCase {
  label: string;
  req: WireRequest;
  expect: Expectation;
}

/**
 * Runs `cases` as a fast-check property with the run's seed and run count: every answer judged
 * as an answer of CreateImsSession and against the case's expectation (TS 29.122 5.2.6: a 4xx
 * ProblemDetails with the cause TS 29.500 names, never a 5xx). The first failing case ends the
 * property, unshrunk: shrinking would send the target hundreds more requests. Sessions that a
 * valid case created are released with the others at the end of the run.
 */
async function runProperty(context: CheckContext, name: string, cases: fc.Arbitrary<HostileCase>): Promise<void> {
  const problems = new AnswerJudge(loadSpec(BUNDLED.callControl));
  const operation = callControl('CreateImsSession');
  const { seed, runs } = context.settings;
  const property = fc.asyncProperty(cases, async ({ label, req, expect }) => {
    let answer: WireAnswer;
    try {
      answer = await context.sendRaw(req);
    } catch (error) {
      throw new Error(
        `${label}: no answer (${(error as Error).message}): the target hung or dropped the connection\n  ${curlOf(context.settings.apiRoot, req, 300)}`,
      );
    }
    const violations = [
      ...context.judge.judge(operation, answer).map((v) => `${v.clause}: ${v.message}`),
      ...problems.violations(answer, expect).map((v) => `${CLAUSES.errorHandling}: ${v}`),
    ];
    if (violations.length > 0)
      throw new Error(
        [
          `${label}:`,
          ...[...new Set(violations)].map((v) => `  - ${v}`),
          `  request: ${curlOf(context.settings.apiRoot, req, 300)}`,
          `  answer: ${answer.status} ${String(answer.headers['content-type'] ?? '')} ${answer.text.slice(0, 300)}`,
        ].join('\n'),
      );
  });
  const result = await fc.check(property, { seed, numRuns: runs, endOnFailure: true });
  if (!result.failed) return;
  const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  context.fail(
    `${name} failed at run ${result.numRuns} of ${runs} (seed ${seed}; replay with --hostile --seed ${seed} --runs ${runs}):\n${cause}`,
  );
}

const created: Expectation = { statuses: [201] };

/** The expectation of an attack: the operation's success, the attack's refusal, or either. */
function expectationOf(attack: Attack): Expectation {
  if (attack.verdict === 'valid') return created;
  if (attack.verdict === 'invalid') return attack.expect;
  return { ...attack.expect, statuses: [201, ...attack.expect.statuses] };
}

/** A body attack as a request (undici adds no Content-Type of its own: a missing one stays missing). */
function attackCase(attack: Attack): HostileCase {
  const size = attack.body === undefined ? 0 : typeof attack.body === 'string' ? Buffer.byteLength(attack.body) : attack.body.length;
  return {
    label: `attack ${attack.kind} (${size} bytes, ${attack.contentType ?? 'no content-type'})`,
    req: { method: 'POST', path: sessionsPath(), contentType: attack.contentType, body: attack.body },
    expect: expectationOf(attack),
  };
}

function mutationCase(mutation: Mutation): HostileCase {
  return {
    label: `mutation ${mutation.kind} at ${mutation.pointer}`,
    req: { method: 'POST', path: sessionsPath(), contentType: 'application/json', body: JSON.stringify(mutation.body) },
    expect: mutation.stillValid ? created : mutation.expect,
  };
}

/** The hostile-input properties (tools/conformance's fast-check attacks), against POST ims-sessions. */
export const HOSTILE_CHECKS: readonly Check[] = [
  {
    clause: CLAUSES.errorHandling,
    title: 'hostile bodies (malformed JSON, wrong media types, non-UTF-8, too large, …) are refused with 4xx ProblemDetails, never 5xx',
    mode: 'hostile',
    async run(context) {
      const operation = callControl('CreateImsSession');
      const body = sessionBody(context.settings.afId, context.inbox.imsSessionUri);
      const target = {
        spec: operation.spec,
        schema: operation.body!.schema,
        contentTypes: operation.body!.contentTypes,
        bodyLimit: context.settings.bodyLimit,
      };
      await runProperty(context, 'the body attacks', bodyAttacks(target, body).map(attackCase));
    },
  },
  {
    clause: CLAUSES.errorHandling,
    title: 'invalid ImsSession bodies (one attribute broken) are refused with 400 ProblemDetails, the TS 29.500 cause and invalidParams',
    mode: 'hostile',
    async run(context) {
      const operation = callControl('CreateImsSession');
      const body = sessionBody(context.settings.afId, context.inbox.imsSessionUri);
      const mutations = mutationsOf(operation.spec, operation.body!.schema, body);
      if (mutations === undefined) return context.skip('the ImsSession the kit sends has no attribute to break');
      await runProperty(context, 'the mutations', mutations.map(mutationCase));
    },
  },
];
