import { join } from 'node:path';
import type * as OpenapiCore from '@redocly/openapi-core';
import { stringify } from './yaml.js';
import type { ApiSource } from './layout.js';
import { requireCommonJs } from './commonjs.js';
import { OpenApiDocument, type JsonObject } from './openapi-model.js';

// The instance openapi-typescript's CommonJS build loads as well (commonjs.ts).
const { bundle, createConfig } = requireCommonJs('@redocly/openapi-core') as typeof OpenapiCore;

/** One API bundled into a single file with every `$ref` hoisted to `#/components/...`. */
export interface BundledApi {
  source: ApiSource;
  /** The bundle as YAML (no header). */
  yaml: string;
  document: OpenApiDocument;
}

/**
 * Bundles each API root spec with Redocly's bundler, in process (a CLI process per API costs
 * about a second each). Two files defining different components under one name would be renamed
 * (`Uri-2`) by the bundler: that is an error here, since generated type names must stay the 3GPP
 * ones.
 */
export async function bundleApis(root: string, apis: ApiSource[]): Promise<BundledApi[]> {
  const config = await createConfig({});
  return Promise.all(
    apis.map(async (source) => {
      const result = await bundle({ ref: join(root, source.spec), config, dereference: false });
      if (result.problems.length > 0) {
        throw new Error(`bundling ${source.spec} failed:\n${result.problems.map((p) => `  ${p.message}`).join('\n')}`);
      }
      const doc = result.bundle.parsed as JsonObject;
      const renamed = Object.keys(new OpenApiDocument(doc).schemas).filter((name) => /-\d+$/.test(name));
      if (renamed.length > 0) {
        throw new Error(
          `bundling ${source.spec}: several files define ${renamed.map((n) => n.replace(/-\d+$/, '')).join(', ')} differently`,
        );
      }
      return { source, yaml: stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }), document: new OpenApiDocument(doc) };
    }),
  );
}
