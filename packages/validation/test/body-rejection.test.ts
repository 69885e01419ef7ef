import { describe, expect, it } from 'vitest';
import { createAjv, MAX_BODY_DEPTH, schemaRejection, unrepresentable, type BodyCause } from '../src/index.js';

const schema = {
  type: 'object',
  required: ['party', 'a/b'],
  properties: { party: { type: 'string' }, 'a/b': { type: 'integer' }, extra: { type: 'object', properties: { n: { type: 'integer' } } } },
};
const validate = createAjv().compile(schema);
const required = schema.required;

function rejectionOf(body: unknown) {
  expect(validate(body)).toBe(false);
  return schemaRejection(validate.errors ?? [], body, required);
}

describe('schemaRejection', () => {
  const cases: [string, { given: unknown; want: { cause: BodyCause; params: string[] } }][] = [
    ['a body that is not a JSON object is a malformed message', { given: ['party'], want: { cause: 'INVALID_MSG_FORMAT', params: [''] } }],
    [
      'a missing attribute comes before any other',
      { given: { 'a/b': 'x' }, want: { cause: 'MANDATORY_IE_MISSING', params: ['/a~1b', '/party'] } },
    ],
    [
      'an attribute the schema requires is mandatory (its name unescaped)',
      { given: { party: 'p', 'a/b': 'x' }, want: { cause: 'MANDATORY_IE_INCORRECT', params: ['/a~1b'] } },
    ],
    [
      'anything below an attribute not required is optional',
      { given: { party: 'p', 'a/b': 1, extra: { n: 0.5 } }, want: { cause: 'OPTIONAL_IE_INCORRECT', params: ['/extra/n'] } },
    ],
  ];

  it.each(cases)('%s', (_name, { given, want }) => {
    const rejection = rejectionOf(given);
    expect(rejection.cause).toBe(want.cause);
    expect(rejection.invalidParams.map((p) => p.param).sort()).toEqual(want.params);
  });

  it('says in its detail what the cause means', () => {
    expect(rejectionOf({ party: 'p' }).detail).toBe('A mandatory attribute is missing.');
  });
});

describe('unrepresentable', () => {
  const nested = (depth: number) => JSON.parse(`${'['.repeat(depth - 1)}{}${']'.repeat(depth - 1)}`) as unknown;

  it(`accepts nesting ${MAX_BODY_DEPTH} levels deep`, () => {
    expect(unrepresentable({ x: nested(MAX_BODY_DEPTH - 1) }, () => [])).toBeUndefined();
  });

  it(`refuses nesting deeper than ${MAX_BODY_DEPTH} levels as a malformed message, naming where (fuzz finding F2)`, () => {
    const rejection = unrepresentable({ x: nested(5000) }, () => []);
    expect(rejection).toMatchObject({
      cause: 'INVALID_MSG_FORMAT',
      detail: `The body nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels.`,
    });
    expect(rejection?.invalidParams).toEqual([
      { param: `/x${'/0'.repeat(MAX_BODY_DEPTH - 1)}`, reason: `nests deeper than ${MAX_BODY_DEPTH} levels` },
    ]);
  });

  it('names every number literal that overflows to Infinity, in order, with the cause of its place (fuzz finding F3)', () => {
    const body = JSON.parse('{"z~":1e400,"party":"p","a/b":-1E+999}') as unknown;
    expect(unrepresentable(body, () => required)).toEqual({
      cause: 'MANDATORY_IE_INCORRECT',
      detail: 'A mandatory attribute is incorrect.',
      invalidParams: [
        { param: '/a~1b', reason: 'must be a number a double can hold (the literal overflows to Infinity)' },
        { param: '/z~0', reason: 'must be a number a double can hold (the literal overflows to Infinity)' },
      ],
    });
  });

  it('refuses a body that is itself a number overflowing to Infinity as a malformed message', () => {
    expect(unrepresentable(Number.POSITIVE_INFINITY, () => required)).toMatchObject({
      cause: 'INVALID_MSG_FORMAT',
      invalidParams: [{ param: '' }],
    });
  });

  it('asks for the required attributes only when it refuses the body', () => {
    let asked = 0;
    expect(unrepresentable({ party: 'p', n: [1, 2.5, -3e300] }, () => (asked++, required))).toBeUndefined();
    expect(asked).toBe(0);
  });
});
