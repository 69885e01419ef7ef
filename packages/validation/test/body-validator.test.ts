import { describe, expect, it } from 'vitest';
import { compileBodyValidator, createAjv } from '../src/index.js';

// The shape of the callback table's IMS Session Notification: one of two types, both open.
const schema = {
  allOf: [{ anyOf: [{ $ref: '#/definitions/Event' }, { $ref: '#/definitions/Test' }] }],
  definitions: {
    Event: {
      type: 'object',
      required: ['session', 'reports'],
      properties: { session: { type: 'string' }, reports: { type: 'array', minItems: 1 } },
    },
    Test: { type: 'object', required: ['subscription'], properties: { subscription: { type: 'string' } } },
  },
};
const validate = compileBodyValidator(createAjv(), schema);

describe('compileBodyValidator', () => {
  it('lists the alternatives of an anyOf with their names and required attributes', () => {
    expect(validate.alternatives.map(({ name, required }) => ({ name, required }))).toEqual([
      { name: 'Event', required: ['session', 'reports'] },
      { name: 'Test', required: ['subscription'] },
    ]);
  });

  it('tells the alternative a valid body matches, the first where it matches several', () => {
    const matched = (body: unknown) => {
      const verdict = validate(body);
      return verdict.valid ? verdict.alternative.name : verdict;
    };
    expect(matched({ subscription: 's' })).toBe('Test');
    expect(matched({ subscription: 's', session: 's', reports: [1] })).toBe('Event');
  });

  it('reports a body matching no alternative against the one with most of its required attributes present', () => {
    expect(validate({ subscription: 42 })).toEqual({
      valid: false,
      cause: 'MANDATORY_IE_INCORRECT',
      detail: 'A mandatory attribute is incorrect.',
      invalidParams: [{ param: '/subscription', reason: 'must be string' }],
    });
    expect(validate({ session: 's', reports: [] })).toMatchObject({
      valid: false,
      invalidParams: [{ param: '/reports', reason: 'must NOT have fewer than 1 items' }],
    });
  });

  it('reports against the first alternative when none has more of its required attributes present', () => {
    expect(validate({})).toMatchObject({
      valid: false,
      cause: 'MANDATORY_IE_MISSING',
      invalidParams: [{ param: '/session' }, { param: '/reports' }],
    });
  });

  it('refuses a number that overflows to Infinity, which the schema would let through', () => {
    expect(validate(JSON.parse('{"subscription":"s","n":1e400}'))).toMatchObject({
      valid: false,
      cause: 'OPTIONAL_IE_INCORRECT',
      invalidParams: [{ param: '/n' }],
    });
  });

  it('takes a schema without alternatives as its only one, named after its reference', () => {
    const single = compileBodyValidator(createAjv(), { allOf: [{ $ref: '#/definitions/Test' }], definitions: schema.definitions });
    expect(single.alternatives.map(({ name, required }) => ({ name, required }))).toEqual([{ name: 'Test', required: ['subscription'] }]);
    expect(single({})).toMatchObject({ valid: false, cause: 'MANDATORY_IE_MISSING', invalidParams: [{ param: '/subscription' }] });
  });
});
