import { describe, expect, it } from 'vitest';
import { jsonText } from '../../src/http/json-text.js';

describe('jsonText', () => {
  it('writes what JSON.stringify writes when no number reaches 1e21', () => {
    const value = { a: [1, -0.5, 1e-7, 2 ** 53 + 2, 'e+21 in a string'], b: null, c: undefined, d: new Date(0) };
    expect(jsonText(value)).toBe(JSON.stringify(value));
  });

  it('writes integers of magnitude 1e21 or more as integers, not in exponent form (Schemathesis S2)', () => {
    expect(jsonText({ maxTime: 2 ** 70, priority: -(2 ** 80) })).toBe(
      '{"maxTime":1180591620717411303424,"priority":-1208925819614629174706176}',
    );
    expect(JSON.parse(jsonText([1e21]))).toEqual([1e21]);
  });

  it('keeps what JSON.stringify does around such a number: fractions, undefined, functions, toJSON, strings', () => {
    const value = {
      big: 1e300,
      small: 1.5e-300,
      skipped: undefined,
      f: () => 1,
      list: [undefined, () => 1, 'x"e+'],
      at: new Date(0),
      nested: { n: [-1e22] },
    };
    const text = jsonText(value);
    expect(text).not.toMatch(/\de\+/);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
  });
});
