import type { ErrorObject } from 'ajv';
import type { CauseName, InvalidParam } from './causes.js';
import { toInvalidParams } from './invalid-params.js';
import { escapePointerToken, topLevelName } from './json-pointer.js';

/** The TS 29.500 causes of a 400 for a JSON body that is wrong in itself or for its schema. */
export type BodyCause = Extract<
  CauseName,
  'INVALID_MSG_FORMAT' | 'MANDATORY_IE_MISSING' | 'MANDATORY_IE_INCORRECT' | 'OPTIONAL_IE_INCORRECT'
>;

/** Why a JSON body is refused: the 400 ProblemDetails' cause, detail and invalidParams. */
export interface BodyRejection {
  cause: BodyCause;
  detail: string;
  /** Each offending attribute once, as a JSON Pointer into the body (`""` is the body itself). */
  invalidParams: InvalidParam[];
}

const DETAIL: Record<BodyCause, string> = {
  INVALID_MSG_FORMAT: 'The body is not a JSON object.',
  MANDATORY_IE_MISSING: 'A mandatory attribute is missing.',
  MANDATORY_IE_INCORRECT: 'A mandatory attribute is incorrect.',
  OPTIONAL_IE_INCORRECT: 'An optional attribute is incorrect.',
};

/**
 * The rejection of a body its schema refused, with the TS 29.500 cause: a body that is not a
 * JSON object is a malformed message (INVALID_MSG_FORMAT), not an incorrect IE; else a missing
 * attribute (MANDATORY_IE_MISSING) comes first; else the cause says whether an offending
 * attribute lies in a top-level attribute the schema requires (`required`).
 * @see 3GPP TS 29.500 table 5.2.7.2-1
 */
export function schemaRejection(errors: readonly ErrorObject[], body: unknown, required: readonly string[]): BodyRejection {
  return rejection(errors, toInvalidParams(errors), body, required);
}

function rejection(
  errors: readonly ErrorObject[],
  invalidParams: InvalidParam[],
  body: unknown,
  required: readonly string[],
): BodyRejection {
  const cause = causeOf(errors, invalidParams, body, required);
  return { cause, detail: DETAIL[cause], invalidParams };
}

function causeOf(errors: readonly ErrorObject[], invalidParams: InvalidParam[], body: unknown, required: readonly string[]): BodyCause {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'INVALID_MSG_FORMAT';
  if (errors.some((error) => error.keyword === 'required')) return 'MANDATORY_IE_MISSING';
  return invalidParams.some((param) => required.includes(topLevelName(param.param))) ? 'MANDATORY_IE_INCORRECT' : 'OPTIONAL_IE_INCORRECT';
}

/**
 * The deepest nesting of arrays and objects a body may have. RFC 8259 clause 9 lets a parser
 * limit it; the stores and serializers behind the handlers recurse, and a few thousand levels
 * (a few kilobytes of `[`) overflowed the stack there: a 500 instead of a 400 (fuzz finding F2).
 */
export const MAX_BODY_DEPTH = 64;

const NON_FINITE = 'must be a number a double can hold (the literal overflows to Infinity)';

/**
 * Refuses what JSON.parse accepts but nothing after it can carry: nesting deeper than
 * MAX_BODY_DEPTH (INVALID_MSG_FORMAT, naming where), and number literals such as `1e400` that
 * overflow to ±Infinity, which Ajv's `integer` and `minimum` let through and JSON.stringify then
 * writes as `null` (each named, with the cause a schema error there would get; fuzz finding F3).
 * Undefined when the body is representable. Walks without recursion; `required` (as for
 * `schemaRejection`) is asked for only when the body is refused.
 */
export function unrepresentable(body: unknown, required: () => readonly string[]): BodyRejection | undefined {
  const overflowed: string[] = [];
  if (typeof body === 'number' && !Number.isFinite(body)) overflowed.push('');
  // Only objects and arrays are stacked, and a pointer is written only for what is refused: the
  // walk runs on every request body.
  const pending: Container[] = typeof body === 'object' && body !== null ? [{ value: body, depth: 1, parent: undefined, key: '' }] : [];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth > MAX_BODY_DEPTH) {
      const pointer = pointerOf(next);
      return {
        cause: 'INVALID_MSG_FORMAT',
        detail: `The body nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels.`,
        invalidParams: [{ param: pointer, reason: `nests deeper than ${MAX_BODY_DEPTH} levels` }],
      };
    }
    const value = next.value as Record<string, unknown>;
    for (const key of Object.keys(value)) {
      const child = value[key];
      if (typeof child === 'number') {
        if (!Number.isFinite(child)) overflowed.push(`${pointerOf(next)}/${escapePointerToken(key)}`);
      } else if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: next.depth + 1, parent: next, key });
    }
  }
  if (overflowed.length === 0) return undefined;
  return rejection(
    [],
    overflowed.sort().map((param) => ({ param, reason: NON_FINITE })),
    body,
    required(),
  );
}

/** An object or array met on the walk, and where it lies. */
interface Container {
  value: object;
  depth: number;
  parent: Container | undefined;
  /** Its name in its parent (unescaped). */
  key: string;
}

function pointerOf(container: Container): string {
  let pointer = '';
  for (let at: Container | undefined = container; at?.parent !== undefined; at = at.parent)
    pointer = `/${escapePointerToken(at.key)}${pointer}`;
  return pointer;
}
