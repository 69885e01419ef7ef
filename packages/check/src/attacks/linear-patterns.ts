/**
 * Spec patterns whose backtracking blows up, and equivalent ones that run in linear time.
 *
 * TS 29.562 ImsPublicId: `([A-Za-z0-9]+([-A-Za-z0-9]+)\.)+` splits every domain label between
 * two overlapping `+` runs, so a label of n characters matches n-1 ways and a string that fails
 * at its very end (`sip:a@bbbbbbb.bbbbbbb.….com ` with a trailing space) is tried in
 * (n-1)^labels ways: 90 bytes take seconds, 120 bytes minutes (finding F1 in fuzz-seeds.md).
 * `[A-Za-z0-9][-A-Za-z0-9]+\.` accepts exactly the same labels (a first alphanumeric, then at
 * least one of `-A-Za-z0-9`, then the dot) with one way to match each.
 */
export const LINEAR_REWRITES: ReadonlyArray<readonly [ambiguous: string, linear: string]> = [
  [String.raw`([A-Za-z0-9]+([-A-Za-z0-9]+)\.)+`, String.raw`([A-Za-z0-9][-A-Za-z0-9]+\.)+`],
];

/** True when `pattern` has a part known to backtrack exponentially. */
export function isExponentialPattern(pattern: string): boolean {
  return LINEAR_REWRITES.some(([ambiguous]) => pattern.includes(ambiguous));
}

/** `pattern` with its known exponential parts replaced by linear equivalents. */
export function linearEquivalent(pattern: string): string {
  return LINEAR_REWRITES.reduce((current, [ambiguous, linear]) => current.replaceAll(ambiguous, linear), pattern);
}

/**
 * The RegExp the fuzz oracles test strings with: the spec's pattern as Ajv compiles it here (no
 * `u` flag), rewritten where it would otherwise hang this process on a near miss.
 */
export function safeRegExp(pattern: string): RegExp {
  return new RegExp(linearEquivalent(pattern));
}
