import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bundledSpecsDir } from '../bundled-specs-dir.js';
import { bundledSpecs } from '../generated/bundled-specs.gen.js';

/** A bundled (single-file) OpenAPI document as a plain object. */
export type OpenApiDocument = Record<string, unknown> & {
  components?: { schemas?: Record<string, unknown>; [other: string]: unknown };
};

/** Reads one of the generated `*.bundled.yaml` files (fastify-openapi-glue takes single-file specs only). */
export function loadBundledSpec(name: string): OpenApiDocument {
  // Required here, not imported at the top: the server starts from the pre-parsed specs, and the
  // YAML parser is ~100 ms of module loading that only this (the tests, the bench) needs.
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return parse(readFileSync(fileURLToPath(new URL(name, bundledSpecsDir)), 'utf8')) as OpenApiDocument;
}

/**
 * One of the bundled specs the server serves, parsed at `pnpm generate` (generated/bundled-specs.gen.ts):
 * parsing their YAML at every start cost ~170 ms. A fresh copy each call: callers may change it.
 */
export function bundledSpec(api: 'callcontrol' | 'callevent' | 'simulator'): OpenApiDocument {
  const spec = bundledSpecs[api];
  if (spec === undefined) throw new Error(`no bundled spec for ${api}: run pnpm generate`);
  return structuredClone(spec);
}

/** The API paths served: the two TS 29.392 APIs and the simulator's control API. */
export const SPECS = {
  callcontrol: 'TS29392_MMTel_CallControl.bundled.yaml',
  callevent: 'TS29392_MMTel_CallEvent.bundled.yaml',
  simulator: 'MMTel_Simulator.bundled.yaml',
} as const;

/**
 * A standalone JSON schema for one component schema of a bundled document: the component
 * wrapped with every other component as `definitions`, refs rewritten to match.
 */
export function componentSchema(doc: OpenApiDocument, name: string): Record<string, unknown> {
  const schemas = doc.components?.schemas ?? {};
  if (!(name in schemas)) throw new Error(`no schema ${name} in the bundled spec`);
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/definitions/') : rewrite(v),
      ]),
    );
  };
  return { allOf: [{ $ref: `#/definitions/${name}` }], definitions: rewrite(schemas) };
}
