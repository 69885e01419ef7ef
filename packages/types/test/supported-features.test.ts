import { describe, expect, it } from 'vitest';
import { formatFeatures, hasFeature, isSupportedFeatures, negotiateFeatures, parseFeatures } from '../src/supported-features.js';

describe('supportedFeatures bitmask (TS 29.571)', () => {
  it.each([
    ['feature 1 only', { mask: '1', features: [1] }],
    ['features 1 and 3', { mask: '5', features: [1, 3] }],
    ['features 1 and 5', { mask: '11', features: [1, 5] }],
    ['none', { mask: '', features: [] }],
    ['lower-case hex', { mask: 'a', features: [2, 4] }],
  ])('parses %s', (_name, { mask, features }) => {
    expect(parseFeatures(mask)).toEqual(features);
  });

  it('formats the shortest mask, without leading zeros', () => {
    expect(formatFeatures([5, 1])).toBe('11');
    expect(formatFeatures([])).toBe('');
  });

  it('negotiates the intersection of the two masks', () => {
    expect(negotiateFeatures('F', '3')).toBe('3');
    expect(negotiateFeatures('10', '3')).toBe('');
  });

  it('tells whether a feature is set', () => {
    expect(hasFeature('2', 2)).toBe(true);
    expect(hasFeature('2', 1)).toBe(false);
    expect(hasFeature(undefined, 1)).toBe(false);
  });

  it('rejects a malformed mask', () => {
    expect(isSupportedFeatures('0x3')).toBe(false);
    expect(() => parseFeatures('G')).toThrow(RangeError);
  });
});
