import { createHash } from 'node:crypto';

/*
 * "The same text as upstream", for a parsed schema: equal after a formatter's changes. A formatter
 * may re-wrap or re-indent a description (a folded `>` block, a quoted line) and reorder keys; it
 * cannot change a pattern, a constraint or a word. So prose is compared with its whitespace
 * collapsed and keys in a fixed order; everything else is compared as it is.
 */

/** Keys whose string values are prose: their whitespace is formatting. */
const PROSE_KEYS = new Set(['description', 'summary']);

/** The value with keys sorted and the whitespace of prose collapsed (see above). */
export function canonicalForm(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return key !== undefined && PROSE_KEYS.has(key) ? value.replace(/\s+/g, ' ').trim() : value;
  if (Array.isArray(value)) return value.map((item) => canonicalForm(item));
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((name) => [name, canonicalForm(record[name], name)]),
    );
  }
  return value;
}

/** Whether two values are the same text as far as a formatter can tell (see canonicalForm). */
export function sameText(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonicalForm(a)) === JSON.stringify(canonicalForm(b));
}

/**
 * `sha256:<hex>` of the canonical form: what the manifest records of an upstream schema, so that
 * the check needs no copy of the official file.
 */
export function fingerprint(value: unknown): string {
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(canonicalForm(value)))
    .digest('hex')}`;
}
