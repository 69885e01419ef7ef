import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../src/index.js';

describe('parseJsonText', () => {
  it('parses JSON as JSON.parse does', () => {
    expect(parseJsonText('{"a":[1,"x",null,{"b":true}]}')).toEqual({ a: [1, 'x', null, { b: true }] });
  });

  it('refuses a __proto__ key at any depth', () => {
    expect(() => parseJsonText('{"a":{"__proto__":{"polluted":true}}}')).toThrow(SyntaxError);
  });

  it('refuses a constructor key that holds a prototype', () => {
    expect(() => parseJsonText('{"constructor":{"prototype":{"polluted":true}}}')).toThrow(SyntaxError);
  });

  it('keeps a constructor key that holds anything else', () => {
    expect(parseJsonText('{"constructor":"Acme","x":{"constructor":{"name":"n"}}}')).toEqual({
      constructor: 'Acme',
      x: { constructor: { name: 'n' } },
    });
  });
});
