import type { ErrorObject, ValidateFunction } from 'ajv';
import { callbacks, type CallbackName } from '@mmtel/types';
import { createAjv } from '../http/ajv.js';

/** One offending attribute of a notification body (TS 29.122 InvalidParam shape). */
export interface InvalidParam {
  /** The attribute, as a JSON Pointer into the body (`""` is the body itself). */
  param: string;
  reason: string;
}

/** The result of checking a notification body against its callback's request schema. */
export type CallbackValidation = { valid: true } | { valid: false; invalidParams: InvalidParam[] };

// The server's one Ajv configuration (no coercion, 3GPP patterns compiled linear), as for requests.
const ajv = createAjv();

/**
 * A callback's validator and, when its body is one of several types (`allOf: [{anyOf: [...]}]`,
 * e.g. ImsSessionEventNotification or TestNotification), one validator per alternative: a body
 * matching none is reported against the closest alternative instead of all of them at once.
 */
interface CallbackValidators {
  whole: ValidateFunction;
  alternatives: ValidateFunction[];
}

const validators = new Map<string, CallbackValidators>();

function alternativesOf(schema: Readonly<Record<string, unknown>>): Record<string, unknown>[] {
  const allOf = schema['allOf'];
  if (!Array.isArray(allOf) || allOf.length !== 1) return [];
  const anyOf = (allOf[0] as { anyOf?: unknown }).anyOf;
  if (!Array.isArray(anyOf) || anyOf.length < 2) return [];
  return anyOf.map((alternative) => ({ ...(alternative as object), definitions: schema['definitions'] }));
}

function validatorsFor(callback: string): CallbackValidators {
  let compiled = validators.get(callback);
  if (compiled === undefined) {
    const definition = (callbacks as Record<string, (typeof callbacks)[CallbackName] | undefined>)[callback];
    if (definition === undefined) throw new TypeError(`unknown callback "${callback}"`);
    const schema = definition.requestBodySchema;
    compiled = { whole: ajv.compile(schema), alternatives: alternativesOf(schema).map((alternative) => ajv.compile(alternative)) };
    validators.set(callback, compiled);
  }
  return compiled;
}

/** The errors of the alternative with the fewest, or of the whole schema when there are none. */
function closestErrors(compiled: CallbackValidators, body: unknown): ErrorObject[] {
  let best: ErrorObject[] | undefined;
  for (const alternative of compiled.alternatives) {
    if (alternative(body)) return compiled.whole.errors ?? [];
    const errors = alternative.errors ?? [];
    if (best === undefined || errors.length < best.length) best = errors;
  }
  return best ?? compiled.whole.errors ?? [];
}

/** Escapes one reference token of a JSON Pointer (RFC 6901). */
function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function toInvalidParam(error: ErrorObject): InvalidParam {
  const params = error.params as Record<string, unknown>;
  const property =
    error.keyword === 'required'
      ? params['missingProperty']
      : error.keyword === 'additionalProperties'
        ? params['additionalProperty']
        : undefined;
  const param = typeof property === 'string' ? `${error.instancePath}/${escapePointerToken(property)}` : error.instancePath;
  return { param, reason: error.message ?? error.keyword };
}

/**
 * Checks a notification body against the request body schema of its callback, as generated
 * from the OpenAPI callbacks. Throws a TypeError for an unknown callback name.
 */
export function validateCallbackBody(callback: CallbackName | (string & {}), body: unknown): CallbackValidation {
  const compiled = validatorsFor(callback);
  if (compiled.whole(body)) return { valid: true };
  const seen = new Set<string>();
  const invalidParams: InvalidParam[] = [];
  for (const error of closestErrors(compiled, body)) {
    const invalid = toInvalidParam(error);
    const key = `${invalid.param}\u0000${invalid.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    invalidParams.push(invalid);
  }
  return { valid: false, invalidParams };
}

/** Compiles every callback schema now, so that the first notification does not pay for it. */
export function compileCallbackValidators(): void {
  for (const name of Object.keys(callbacks)) validatorsFor(name);
}
