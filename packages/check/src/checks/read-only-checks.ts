import type { Check } from '../check-context.js';
import { CLAUSES } from '../clauses.js';
import { callControl, sessionBody, sessionsPath, unknownSessionId } from './operations.js';

const JSON_TYPE = 'application/json';

/**
 * The checks that change nothing on the target: requests to resources that do not exist and
 * requests the target must refuse (a refused request creates nothing).
 */
export const READ_ONLY_CHECKS: readonly Check[] = [
  {
    clause: CLAUSES.resourceUris,
    title: 'a resource the API does not have answers 404 ProblemDetails',
    mode: 'read-only',
    async run(context) {
      const answer = await context.exchange(undefined, {
        method: 'GET',
        path: `${callControl('CreateImsSession').basePath}/no-such-resource`,
      });
      context.expectStatus(answer, [404], 'GET of an unknown resource');
    },
  },
  {
    clause: CLAUSES.errorHandling,
    title: 'a method the resource does not have (GET ims-sessions) is refused with 405 ProblemDetails',
    mode: 'read-only',
    async run(context) {
      const answer = await context.exchange(undefined, { method: 'GET', path: sessionsPath() });
      context.expectStatus(answer, [405], 'GET ims-sessions');
    },
  },
  {
    clause: CLAUSES.releaseImsSession,
    title: 'DELETE of an unknown IMS session answers 404 ProblemDetails',
    mode: 'read-only',
    async run(context) {
      const answer = await context.exchange(callControl('ReleaseImsSession'), {
        method: 'DELETE',
        path: `${sessionsPath()}/${unknownSessionId()}`,
      });
      context.expectStatus(answer, [404], 'DELETE of an unknown session');
    },
  },
  {
    clause: CLAUSES.updateImsSession,
    title: 'PUT of an unknown IMS session answers 404 ProblemDetails',
    mode: 'read-only',
    async run(context) {
      const body = JSON.stringify(sessionBody(context.settings.afId, context.inbox.imsSessionUri));
      const answer = await context.exchange(callControl('UpdateImsSession'), {
        method: 'PUT',
        path: `${sessionsPath()}/${unknownSessionId()}`,
        contentType: JSON_TYPE,
        body,
      });
      context.expectStatus(answer, [404], 'PUT of an unknown session');
    },
  },
  {
    clause: CLAUSES.modifyImsSession,
    title: 'PATCH of an unknown IMS session answers 404 ProblemDetails',
    mode: 'read-only',
    async run(context) {
      const answer = await context.exchange(callControl('ModifyImsSession'), {
        method: 'PATCH',
        path: `${sessionsPath()}/${unknownSessionId()}`,
        contentType: 'application/merge-patch+json',
        body: JSON.stringify({ notifCorreId: 'mmtel-check' }),
      });
      context.expectStatus(answer, [404], 'PATCH of an unknown session');
    },
  },
  {
    clause: CLAUSES.errorHandling,
    title: 'a body sent as text/plain is refused with 415 ProblemDetails (POST ims-sessions)',
    mode: 'read-only',
    async run(context) {
      const answer = await context.exchange(callControl('CreateImsSession'), {
        method: 'POST',
        path: sessionsPath(),
        contentType: 'text/plain',
        body: JSON.stringify(sessionBody(context.settings.afId, context.inbox.imsSessionUri)),
      });
      context.expectStatus(answer, [415], 'POST ims-sessions as text/plain');
    },
  },
  {
    clause: CLAUSES.errorHandling,
    title: 'an invalid ImsSession is refused with 400 ProblemDetails, cause MANDATORY_IE_INCORRECT, invalidParams naming the attribute',
    mode: 'read-only',
    async run(context) {
      const valid = sessionBody(context.settings.afId, context.inbox.imsSessionUri);
      const body = { ...valid, imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'bob' } };
      const answer = await context.exchange(callControl('CreateImsSession'), {
        method: 'POST',
        path: sessionsPath(),
        contentType: JSON_TYPE,
        body: JSON.stringify(body),
      });
      if (!context.expectStatus(answer, [400], 'POST ims-sessions with calledParty "bob"')) return;
      const problem = context.judge.problemOf(answer);
      if (typeof problem === 'string') return; // the judge has reported it
      // TS 29.500 table 5.2.7.2-1: an incorrect mandatory IE; invalidParams points at it (TS 29.122 5.2.6).
      if (problem.cause !== undefined && problem.cause !== 'MANDATORY_IE_INCORRECT')
        context.fail(`cause is ${JSON.stringify(problem.cause)}, expected MANDATORY_IE_INCORRECT`);
      if (!(problem.invalidParams ?? []).some((p) => p.param === '/imsSessionInfo/calledParty'))
        context.fail(`invalidParams ${JSON.stringify(problem.invalidParams ?? [])} does not name /imsSessionInfo/calledParty`);
    },
  },
];
