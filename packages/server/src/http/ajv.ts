import addFormats from 'ajv-formats';
import { linearRegExp } from '@mmtel/types';
import { Ajv, type ErrorObject, type Options } from 'ajv';
import type { InvalidParam } from './problem.js';

/**
 * The Ajv options every validator of the server uses: the specs' own keywords (`nullable`,
 * `readOnly`, `x-…`) allowed; nothing coerced, defaulted or removed, so that what is validated
 * is exactly what was sent; and no `u` flag on patterns, because the 3GPP ImsPublicId pattern
 * (TS 29.562) escapes characters such as `\:` that Unicode-mode regular expressions reject.
 * Patterns go through `linearRegExp`: as written, ImsPublicId backtracks exponentially, and a
 * 90-byte near miss would block the event loop for seconds (fuzz finding F1).
 */
export const ajvOptions = {
  strict: false,
  allErrors: true,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  unicodeRegExp: false,
  code: { regExp: linearRegExp },
} as const satisfies Options;

/** Adds the `format` keywords (uri, date-time, ...) to an Ajv instance. */
export const ajvFormats = addFormats as unknown as (ajv: Ajv) => Ajv;

/** A new Ajv with the server's options and formats. */
export function createAjv(): Ajv {
  const ajv = new Ajv(ajvOptions);
  ajvFormats(ajv);
  return ajv;
}

/**
 * Ajv errors as TS 29.122 invalidParams: `param` is the JSON Pointer of the offending
 * attribute (the missing one for `required`), one entry per attribute.
 */
export function toInvalidParams(errors: readonly ErrorObject[] | null | undefined, prefix = ''): InvalidParam[] {
  const byParam = new Map<string, string>();
  for (const error of errors ?? []) {
    const missing = error.keyword === 'required' ? `/${String((error.params as { missingProperty: string }).missingProperty)}` : '';
    // RFC 6901: the whole document is the empty pointer "" ("/" would name an attribute called "").
    const param = `${prefix}${error.instancePath}${missing}`;
    // anyOf reports each branch and then itself; the first message is the most specific one.
    if (!byParam.has(param)) byParam.set(param, error.message ?? 'is invalid');
  }
  return [...byParam].map(([param, reason]) => ({ param, reason }));
}
