/*
 * PostgreSQL text cannot hold U+0000 (the statement fails: invalid byte sequence for encoding
 * "UTF8": 0x00), and pg sends every string as UTF-8, which turns a lone surrogate into U+FFFD
 * without a word. A JavaScript string can hold both, and client input reaches the store's text
 * columns (a session id from the path, a notifUri, the AF's name from its token, an error naming a
 * target). Every such column goes through this codec, so that any string round-trips exactly and
 * the PostgreSQL store answers as the LMDB store does: an id that holds NUL is looked up (and not
 * found) instead of failing with 500. Text that PostgreSQL holds as it is (any ordinary value) is
 * stored unchanged, so that the tables stay readable and an index on the column serves lookups.
 */

/** Marks a value stored in escaped form: a control character no ordinary value starts with. */
const ESCAPED = '\u0001';

/** A NUL or a lone surrogate (in Unicode mode a well-formed pair is one code point, not two Cs). */
const NOT_STORABLE_AS_IS = /[\0\p{Cs}]/u;

/**
 * The text PostgreSQL stores for `value`: `value` itself, or, when it holds a NUL or a lone
 * surrogate (or starts with the marker), the marker followed by its JSON string literal, which
 * escapes both in ASCII. Equal values give equal texts, so comparisons in SQL still hold.
 */
export function toStoredText(value: string): string {
  return NOT_STORABLE_AS_IS.test(value) || value.startsWith(ESCAPED) ? ESCAPED + JSON.stringify(value) : value;
}

/** The value a text written by {@link toStoredText} stands for. */
export function fromStoredText(stored: string): string {
  return stored.startsWith(ESCAPED) ? (JSON.parse(stored.slice(ESCAPED.length)) as string) : stored;
}

/** {@link toStoredText} of an optional value (null stays null). */
export function toStoredOptional(value: string | null | undefined): string | null {
  return value == null ? null : toStoredText(value);
}

/** {@link fromStoredText} of a nullable column. */
export function fromStoredOptional(stored: string | null | undefined): string | null | undefined {
  return stored == null ? stored : fromStoredText(stored);
}
