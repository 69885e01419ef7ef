import { describe, expect, it } from 'vitest';
import { createAjv } from '../src/index.js';

// TS 29.562 ImsPublicId, as the specs write it: `\:` and `\@` need patterns without the u flag.
const IMS_PUBLIC_ID = String.raw`^(sip\:([a-zA-Z0-9_\-.!~*()&=+$,;?\/]+)\@([A-Za-z0-9]+([-A-Za-z0-9]+)\.)+[a-z]{2,}|tel\:\+[0-9]{5,15})$`;

describe('createAjv', () => {
  it('compiles the 3GPP ImsPublicId pattern, which Unicode-mode regular expressions reject', () => {
    const validate = createAjv().compile({ type: 'string', pattern: IMS_PUBLIC_ID });
    expect([validate('sip:alice@ims.example.com'), validate('tel:+4930123456'), validate('alice')]).toEqual([true, true, false]);
  });

  it('refuses an ImsPublicId that fails only at its last character at once (fuzz finding F1)', () => {
    const validate = createAjv().compile({ type: 'string', pattern: IMS_PUBLIC_ID });
    const started = performance.now();
    expect(validate(`sip:a@${'bbbbbbb.'.repeat(10)}com `)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('checks formats', () => {
    const validate = createAjv().compile({ type: 'string', format: 'date-time' });
    expect([validate('2026-01-02T03:04:05Z'), validate('yesterday')]).toEqual([true, false]);
  });

  it('validates what was sent: nothing coerced, defaulted or removed', () => {
    const validate = createAjv().compile({
      type: 'object',
      properties: { n: { type: 'integer' }, d: { type: 'string', default: 'x' } },
      additionalProperties: false,
    });
    const body = { n: '1' };
    expect(validate(body)).toBe(false);
    expect(body).toEqual({ n: '1' });
  });
});
