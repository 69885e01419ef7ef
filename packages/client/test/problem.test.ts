import { describe, expect, it } from 'vitest';
import { MmtelProblemError, problemOf } from '../src/index.js';

const response = (status: number, statusText = '') => new Response(null, { status, statusText });

describe('problemOf', () => {
  it.each([
    [
      'a ProblemDetails body, as is',
      {
        given: { status: 404, title: 'IMS session not found', cause: 'SESSION_NOT_FOUND' },
        want: { status: 404, title: 'IMS session not found', cause: 'SESSION_NOT_FOUND' },
      },
    ],
    ['an object without status, the status filled in', { given: { title: 'Oops' }, want: { status: 502, title: 'Oops' } }],
    [
      'a text body, as the detail',
      { given: '<html>bad gateway</html>', want: { status: 502, title: 'Bad Gateway', detail: '<html>bad gateway</html>' } },
    ],
    ['no body, from the status line', { given: undefined, want: { status: 502, title: 'Bad Gateway' } }],
  ])('makes a ProblemDetails of %s', (_name, { given, want }) => {
    expect(problemOf(given, response(502, 'Bad Gateway'))).toEqual(want);
  });

  it('names the status when the status line has no text', () => {
    expect(problemOf(undefined, response(503))).toEqual({ status: 503, title: 'HTTP 503' });
  });
});

describe('MmtelProblemError', () => {
  it('carries the status, the 3GPP cause and the invalidParams of the ProblemDetails', () => {
    const error = new MmtelProblemError(
      { status: 400, cause: 'MANDATORY_IE_INCORRECT', detail: 'bad party', invalidParams: [{ param: '/callingParty' }] },
      response(400),
    );
    expect(error).toMatchObject({
      name: 'MmtelProblemError',
      status: 400,
      cause: 'MANDATORY_IE_INCORRECT',
      invalidParams: [{ param: '/callingParty' }],
      message: '400 MANDATORY_IE_INCORRECT: bad party',
    });
  });
});
