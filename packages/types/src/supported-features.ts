/**
 * The supportedFeatures hex bitmask: the last character carries features 1-4, the one before
 * it 5-8, and so on; a missing character means those features are not supported.
 *
 * @see 3GPP TS 29.571 SupportedFeatures, 3GPP TS 29.122 clause 5.2.7
 */

const HEX = /^[A-Fa-f0-9]*$/;

/** Tells whether `mask` is a well-formed supportedFeatures string. */
export function isSupportedFeatures(mask: string): boolean {
  return HEX.test(mask);
}

/** The feature numbers set in `mask`, ascending. Throws on a malformed mask. */
export function parseFeatures(mask: string): number[] {
  if (!isSupportedFeatures(mask)) throw new RangeError(`malformed supportedFeatures "${mask}"`);
  const features: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    const nibble = parseInt(mask[mask.length - 1 - i]!, 16);
    for (let bit = 0; bit < 4; bit++) if (nibble & (1 << bit)) features.push(i * 4 + bit + 1);
  }
  return features;
}

/** The shortest mask with exactly `features` set ("" for none). */
export function formatFeatures(features: Iterable<number>): string {
  const nibbles: number[] = [];
  for (const feature of features) {
    if (!Number.isInteger(feature) || feature < 1) throw new RangeError(`feature numbers start at 1, got ${feature}`);
    const index = Math.floor((feature - 1) / 4);
    while (nibbles.length <= index) nibbles.push(0);
    nibbles[index]! |= 1 << ((feature - 1) % 4);
  }
  while (nibbles.length > 0 && nibbles[nibbles.length - 1] === 0) nibbles.pop();
  return nibbles
    .map((n) => n.toString(16).toUpperCase())
    .reverse()
    .join('');
}

/** Tells whether feature number `feature` is set in `mask`. */
export function hasFeature(mask: string | undefined, feature: number): boolean {
  return mask !== undefined && parseFeatures(mask).includes(feature);
}

/** The features both sides support: the bitwise AND of the two masks, shortest form. */
export function negotiateFeatures(offered: string, supported: string): string {
  const mine = new Set(parseFeatures(supported));
  return formatFeatures(parseFeatures(offered).filter((f) => mine.has(f)));
}
