import { describe, expect, it } from 'vitest';
import { createAjv, toInvalidParams, unsupportedMediaType } from '../src/index.js';

const IMS_PUBLIC_ID = '^(sip\\:([a-zA-Z0-9_\\-.!~*()&=+$,;?\\/]+)\\@([A-Za-z0-9]+([-A-Za-z0-9]+)\\.)+[a-z]{2,}|tel\\:\\+[0-9]{5,15})$';

function invalidParamsOf(schema: object, body: unknown) {
  const validate = createAjv().compile(schema);
  expect(validate(body)).toBe(false);
  return toInvalidParams(validate.errors);
}

describe('reasons in words', () => {
  it('words an ImsPublicId that is neither a SIP nor a tel URI with examples, the pattern kept beside', () => {
    const schema = { type: 'object', properties: { calledParty: { type: 'string', pattern: IMS_PUBLIC_ID } } };
    expect(invalidParamsOf(schema, { calledParty: 'bob' })).toEqual([
      {
        param: '/calledParty',
        reason: 'must be a SIP URI such as sip:alice@example.com or a tel URI such as tel:+4930123456',
        pattern: IMS_PUBLIC_ID,
      },
    ]);
  });

  it('words a date-time that is not RFC 3339 with an example', () => {
    expect(invalidParamsOf({ type: 'string', format: 'date-time' }, 'yesterday')).toEqual([
      { param: '', reason: 'must be a date and time with its offset (RFC 3339), such as 2026-01-31T12:00:00Z' },
    ]);
  });

  it('names a pattern it has no words for as it is, unescaped', () => {
    expect(invalidParamsOf({ type: 'string', pattern: '^a+$' }, 'b')).toEqual([
      { param: '', reason: 'must match the pattern ^a+$', pattern: '^a+$' },
    ]);
  });

  it('keeps the messages that read well as they are', () => {
    expect(invalidParamsOf({ type: 'object', required: ['afId'] }, {})).toEqual([
      { param: '/afId', reason: "must have required property 'afId'" },
    ]);
  });
});

describe('unsupportedMediaType', () => {
  it.each([
    ['a type nothing parses', 'text/plain; charset=utf-8', 'The body must be sent as application/json, not text/plain.'],
    ['no Content-Type', undefined, 'The body must be sent as application/json, not without a Content-Type.'],
  ])('names the accepted media types for %s', (_name, contentType, detail) => {
    expect(unsupportedMediaType(contentType, ['application/json'])).toEqual({
      detail,
      invalidParams: [{ param: 'Content-Type', reason: 'must be application/json' }],
    });
  });
});
