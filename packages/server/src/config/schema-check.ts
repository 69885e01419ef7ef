import type { JsonSchema } from './variable.js';

/** A format's check: whether a string is of the format. */
export type FormatCheck = (value: string) => boolean;

/** Where a value breaks its schema: a JSON Pointer, as Ajv's `instancePath` says it (`/MMTEL_X/2`). */
export interface SchemaError {
  instancePath: string;
}

/**
 * The errors of `value` against `schema`, for the JSON Schema subset of the variables (JsonSchema
 * in variable.ts) with Ajv's meaning of each keyword (a test holds the two to the same verdicts).
 * Interpreted, not compiled: compiling the environment schema with Ajv took 70–110 ms of every
 * start, for one check of a few dozen values. A value of the wrong type has that error only; the
 * other keywords apply to the types they are for, and every entry of a list or map is checked.
 */
export function schemaErrors(schema: JsonSchema, value: unknown, formats: Readonly<Record<string, FormatCheck>>, path = ''): SchemaError[] {
  if (schema.type !== undefined && !isOfType(schema.type, value)) return [{ instancePath: path }];
  const errors: SchemaError[] = [];
  const at = (): void => void errors.push({ instancePath: path });
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) at();
    if (schema.maximum !== undefined && value > schema.maximum) at();
  }
  if (typeof value === 'string') {
    // Ajv counts code points, not UTF-16 units, and compiles patterns with the `u` flag.
    if (schema.minLength !== undefined && [...value].length < schema.minLength) at();
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) at();
    if (schema.format !== undefined && !formatOf(schema.format, formats)(value)) at();
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as string)) at();
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [index, entry] of value.entries()) errors.push(...schemaErrors(schema.items, entry, formats, `${path}/${index}`));
  }
  if (isObject(value)) {
    for (const [key, entry] of Object.entries(value)) {
      if (schema.propertyNames !== undefined && schemaErrors(schema.propertyNames, key, formats).length > 0) at();
      if (schema.additionalProperties !== undefined)
        errors.push(...schemaErrors(schema.additionalProperties, entry, formats, `${path}/${pointerSegment(key)}`));
    }
  }
  return errors;
}

function isOfType(type: NonNullable<JsonSchema['type']>, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formatOf(format: string, formats: Readonly<Record<string, FormatCheck>>): FormatCheck {
  const check = formats[format];
  // As Ajv's strict mode: a schema naming a format nobody defined is a mistake of the schema.
  if (check === undefined) throw new Error(`unknown format "${format}" in the environment schema`);
  return check;
}

/** A key as a JSON Pointer segment (RFC 6901): `~` as `~0`, `/` as `~1`. */
function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
