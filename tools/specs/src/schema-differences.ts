import { pointerOf } from './json-pointer.js';
import { canonicalForm } from './schema-fingerprint.js';

/** One place where two versions of a component differ. */
export interface Difference {
  /** JSON Pointer inside the component. */
  at: string;
  /** The value in the first version; absent when it has none there. */
  before?: unknown;
  /** The value in the second version; absent when it has none there. */
  after?: unknown;
}

/**
 * Where `before` and `after` differ, as deep as both are objects (a changed array, string or
 * number is one difference); prose whitespace and key order do not count (canonicalForm).
 */
export function differences(before: unknown, after: unknown): Difference[] {
  const found: Difference[] = [];
  walk(canonicalForm(before), canonicalForm(after), [], found);
  return found;
}

function walk(before: unknown, after: unknown, at: string[], found: Difference[]): void {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const path = [...at, key];
      if (!Object.hasOwn(before, key)) found.push({ at: pointerOf(path), after: after[key] });
      else if (!Object.hasOwn(after, key)) found.push({ at: pointerOf(path), before: before[key] });
      else walk(before[key], after[key], path, found);
    }
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) found.push({ at: pointerOf(at), before, after });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
