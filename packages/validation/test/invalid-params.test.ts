import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createAjv, toInvalidParams } from '../src/index.js';

/** The Ajv errors of `body` against `schema`. */
function errorsOf(schema: object, body: unknown): ErrorObject[] {
  const validate = createAjv().compile(schema);
  expect(validate(body)).toBe(false);
  return validate.errors ?? [];
}

describe('toInvalidParams', () => {
  it('names a missing attribute by its own JSON Pointer, with "/" and "~" escaped (RFC 6901)', () => {
    const errors = errorsOf({ type: 'object', properties: { 'm/n': { type: 'object', required: ['a/b~c'] } } }, { 'm/n': {} });
    expect(toInvalidParams(errors)).toEqual([{ param: '/m~1n/a~1b~0c', reason: "must have required property 'a/b~c'" }]);
  });

  it('names an attribute the schema does not allow by its own JSON Pointer', () => {
    const errors = errorsOf({ type: 'object', properties: { a: { type: 'object', additionalProperties: false } } }, { a: { 'x~y': 1 } });
    expect(toInvalidParams(errors)).toEqual([{ param: '/a/x~0y', reason: 'must NOT have additional properties' }]);
  });

  it('names the whole body with the empty pointer', () => {
    expect(toInvalidParams(errorsOf({ type: 'object' }, []))).toEqual([{ param: '', reason: 'must be object' }]);
  });

  it('names each attribute once, with its first and most specific reason', () => {
    // An extensible enumeration: each branch of the anyOf reports, then the anyOf itself.
    const errors = errorsOf(
      { type: 'object', properties: { e: { anyOf: [{ type: 'string', enum: ['A'] }, { type: 'string' }] } } },
      { e: 1 },
    );
    expect(errors.length).toBeGreaterThan(1);
    expect(toInvalidParams(errors)).toEqual([{ param: '/e', reason: 'must be string' }]);
  });

  it('puts a prefix before every pointer', () => {
    expect(toInvalidParams(errorsOf({ type: 'object', required: ['q'] }, {}), 'querystring ')).toEqual([
      { param: 'querystring /q', reason: "must have required property 'q'" },
    ]);
  });
});
