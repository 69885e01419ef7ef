import type { ErrorObject } from 'ajv';
import type { InvalidParam } from './causes.js';
import { escapePointerToken } from './json-pointer.js';
import { type Reason, reasonOf } from './reasons.js';

/**
 * Ajv errors as TS 29.122 invalidParams, one entry per attribute: `param` is the RFC 6901 JSON
 * Pointer of the offending attribute (`""` is the whole document), and for a `required` error
 * that of the missing attribute, for an `additionalProperties` error that of the attribute not
 * allowed. Ajv escapes the tokens of `instancePath` itself; the property names added here are
 * escaped the same way. An attribute keeps its first reason: `anyOf` reports each branch and then
 * itself, and the first message is the most specific one. `prefix` goes before each pointer (the
 * server names a query parameter `querystring /name`). A pattern or format is worded with an
 * example (reasons.ts), the pattern kept in the entry's `pattern`.
 */
export function toInvalidParams(errors: readonly ErrorObject[] | null | undefined, prefix = ''): InvalidParam[] {
  const byParam = new Map<string, Reason>();
  for (const error of errors ?? []) {
    const param = `${prefix}${error.instancePath}${propertyToken(error)}`;
    if (!byParam.has(param)) byParam.set(param, reasonOf(error));
  }
  return [...byParam].map(([param, reason]) => ({ param, ...reason }));
}

function propertyToken(error: ErrorObject): string {
  const params = error.params as { missingProperty?: unknown; additionalProperty?: unknown };
  const property =
    error.keyword === 'required'
      ? params.missingProperty
      : error.keyword === 'additionalProperties'
        ? params.additionalProperty
        : undefined;
  return typeof property === 'string' ? `/${escapePointerToken(property)}` : '';
}
