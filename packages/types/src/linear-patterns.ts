/** An Ajv `code.regExp` engine (structurally; this package does not depend on Ajv). */
export type RegExpEngine = ((pattern: string, flags: string) => RegExp) & { code: string };

/**
 * Parts of the specs' `pattern`s that backtrack exponentially, each with an equivalent that runs
 * in linear time. TS 29.562 ImsPublicId matches a domain label with `[A-Za-z0-9]+([-A-Za-z0-9]+)\.`:
 * two overlapping runs, so a label of n characters splits n-1 ways and a string that fails only
 * at its end (`sip:a@bbbbbbb.bbbbbbb.….com ` with a trailing space) is tried (n-1)^labels ways:
 * 90 bytes block the event loop for seconds, 120 bytes for minutes. A label is exactly "an
 * alphanumeric, then one or more of `-A-Za-z0-9`, then a dot", which matches one way only.
 */
const LINEAR_REWRITES: ReadonlyArray<readonly [string, string]> = [
  [String.raw`([A-Za-z0-9]+([-A-Za-z0-9]+)\.)+`, String.raw`([A-Za-z0-9][-A-Za-z0-9]+\.)+`],
];

/** `pattern` with its known exponential parts replaced by their linear equivalents. */
export function linearPattern(pattern: string): string {
  return LINEAR_REWRITES.reduce((current, [ambiguous, linear]) => current.replaceAll(ambiguous, linear), pattern);
}

/**
 * The RegExp engine for every Ajv that validates against the specs (`code.regExp`), in the server
 * and in the receiver: the spec's pattern, with the flags Ajv would use, rewritten where it would
 * backtrack exponentially.
 */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string, flags: string) => new RegExp(linearPattern(pattern), flags), {
  code: 'linearRegExp',
});
