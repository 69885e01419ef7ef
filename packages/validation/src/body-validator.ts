import type { Ajv, ValidateFunction } from 'ajv';
import { schemaRejection, unrepresentable, type BodyRejection } from './body-rejection.js';

/** A JSON schema as the generated tables and bundled specs hold it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** One of the types a body may be (`anyOf`), or the body's one type. */
export interface BodyAlternative {
  /** The definition it refers to (`#/definitions/<name>`), when it is a reference. */
  readonly name: string | undefined;
  /** Its top-level required attributes: they tell which alternative a broken body meant to be. */
  readonly required: readonly string[];
}

/** A body its schema accepts, with the alternative it matched (the first, where it matches several), or why it is refused. */
export type BodyVerdict = { valid: true; alternative: BodyAlternative } | ({ valid: false } & BodyRejection);

/** A compiled body schema. */
export interface BodyValidator {
  (body: unknown): BodyVerdict;
  /** In the schema's order; a valid verdict's `alternative` is one of these. */
  readonly alternatives: readonly BodyAlternative[];
}

interface CompiledAlternative extends BodyAlternative {
  readonly validate: ValidateFunction;
}

/**
 * Compiles a body schema (self-contained, with its `definitions`) into a validator that answers
 * every body the same way wherever it runs (the server checking a notification before sending it,
 * the receiver checking it on arrival): what cannot be represented first (see `unrepresentable`),
 * then the schema. Where the body is one of several types (`anyOf`, also as the one member of an
 * `allOf`, the form the callback table has), a body matching none is reported against the one
 * alternative it most likely meant, not all of them at once: the one with most of its required
 * top-level attributes present, else the first (the real notification rather than the test one).
 */
export function compileBodyValidator(ajv: Ajv, schema: JsonSchema): BodyValidator {
  const definitions = schema['definitions'] as Record<string, JsonSchema> | undefined;
  const branches = alternativesOf(schema);
  const compiled: CompiledAlternative[] = branches.map((branch) => ({
    name: definitionName(branch),
    required: requiredOf(branch, definitions),
    validate: ajv.compile(branch === schema ? schema : { allOf: [branch], definitions }),
  }));
  const validator = (body: unknown): BodyVerdict => {
    const broken = unrepresentable(body, () => closest(compiled, body).required);
    if (broken !== undefined) return { valid: false, ...broken };
    for (const alternative of compiled) if (alternative.validate(body)) return { valid: true, alternative };
    const meant = closest(compiled, body);
    return { valid: false, ...schemaRejection(meant.validate.errors ?? [], body, meant.required) };
  };
  return Object.assign(validator, { alternatives: compiled });
}

/** The alternatives of a body schema: `anyOf: [...]`, `allOf: [{ anyOf: [...] }]`, else the schema itself. */
function alternativesOf(schema: JsonSchema): JsonSchema[] {
  const allOf = schema['allOf'];
  const holder = Array.isArray(allOf) && allOf.length === 1 ? (allOf[0] as JsonSchema) : schema;
  const anyOf = holder['anyOf'];
  return Array.isArray(anyOf) && anyOf.length > 1 ? (anyOf as JsonSchema[]) : [schema];
}

function closest(alternatives: readonly CompiledAlternative[], body: unknown): CompiledAlternative {
  const present = (alternative: CompiledAlternative) =>
    typeof body === 'object' && body !== null ? alternative.required.filter((name) => Object.hasOwn(body, name)).length : 0;
  let best = alternatives[0]!;
  for (const alternative of alternatives.slice(1)) if (present(alternative) > present(best)) best = alternative;
  return best;
}

const DEFINITION_REF = '#/definitions/';

/** `X` of a schema that is `{ $ref: '#/definitions/X' }` or `{ allOf: [that] }`. */
function definitionName(schema: JsonSchema): string | undefined {
  const ref = schema['$ref'];
  if (typeof ref === 'string') return ref.startsWith(DEFINITION_REF) ? ref.slice(DEFINITION_REF.length) : undefined;
  const allOf = schema['allOf'];
  return Array.isArray(allOf) && allOf.length === 1 ? definitionName(allOf[0] as JsonSchema) : undefined;
}

/** The top-level `required` attributes of a schema, through `$ref`s into `definitions` and `allOf`. */
export function requiredOf(
  schema: JsonSchema,
  definitions: Readonly<Record<string, JsonSchema>> = {},
  seen = new Set<JsonSchema>(),
): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const required = Array.isArray(schema['required']) ? (schema['required'] as string[]).filter((name) => typeof name === 'string') : [];
  const ref = schema['$ref'];
  const target = typeof ref === 'string' && ref.startsWith(DEFINITION_REF) ? definitions[ref.slice(DEFINITION_REF.length)] : undefined;
  const parts = [...(target === undefined ? [] : [target]), ...(Array.isArray(schema['allOf']) ? (schema['allOf'] as JsonSchema[]) : [])];
  return [...new Set([...required, ...parts.flatMap((part) => requiredOf(part, definitions, seen))])];
}
