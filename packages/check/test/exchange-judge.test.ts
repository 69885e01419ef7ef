import { describe, expect, it } from 'vitest';
import { BUNDLED, loadSpec, operationById } from '../src/attacks/spec-documents.js';
import type { WireAnswer } from '../src/attacks/wire.js';
import { ExchangeJudge } from '../src/exchange-judge.js';

const create = operationById(loadSpec(BUNDLED.callControl), 'CreateImsSession');
const release = operationById(loadSpec(BUNDLED.callControl), 'ReleaseImsSession');
const session = {
  afId: 'as1',
  imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com', sessionId: 's-1', sessionState: 'INITIATING' },
  notifUri: 'http://127.0.0.1:9/n',
};
const json = (status: number, body: unknown, headers: Record<string, string> = {}, type = 'application/json'): WireAnswer => ({
  status,
  headers: { 'content-type': type, ...headers },
  text: JSON.stringify(body),
  ms: 1,
});
const problem = { status: 400, cause: 'MANDATORY_IE_INCORRECT', title: 'Bad' };

describe('the exchange judge', () => {
  const judge = new ExchangeJudge();

  it.each([
    ['a 201 with Location and an ImsSession', { given: json(201, session, { location: 'http://x/ims-sessions/s-1' }), want: [] }],
    ['a 400 ProblemDetails with cause', { given: json(400, problem, {}, 'application/problem+json'), want: [] }],
    [
      'a 201 without Location',
      {
        given: json(201, session),
        want: [{ clause: 'TS 29.392 6.4.3.2.3.1', message: 'the 201 of CreateImsSession has no location header' }],
      },
    ],
    [
      'a 201 body that breaks ImsSession',
      {
        given: json(201, { ...session, imsSessionInfo: { sessionState: 42 } }, { location: 'http://x/ims-sessions/s-1' }),
        want: [{ clause: 'TS 29.392 6.4.3.2.3.1', message: expect.stringContaining('breaks its schema') }],
      },
    ],
    [
      'a 400 without cause',
      {
        given: json(400, { status: 400 }, {}, 'application/problem+json'),
        want: [{ clause: 'TS 29.122 5.2.6', message: 'the 400 ProblemDetails has no cause' }],
      },
    ],
    [
      'a 400 as application/json',
      {
        given: json(400, problem),
        want: [{ clause: 'TS 29.122 5.2.6', message: expect.stringContaining('not application/problem+json') }],
      },
    ],
  ])('judges %s', (_, { given, want }) => {
    expect(judge.judge(create, given)).toEqual(want);
  });

  it('judges a status the operation does not declare (200 to DELETE) by the clause of the operation', () => {
    expect(judge.judge(release, { status: 200, headers: {}, text: '', ms: 1 })).toEqual([
      { clause: 'TS 29.392 6.4.3.3.3.3', message: expect.stringContaining('ReleaseImsSession answered 200, a status it does not declare') },
    ]);
  });
});
