import { createRequire } from 'node:module';

/**
 * `require` for the generator's CommonJS dependencies (TypeScript, openapi-typescript's CommonJS
 * build, Redocly's openapi-core, swagger-parser, yaml). Resolved from src/ (the build defines
 * `import.meta.url` so), they load from tools/codegen/node_modules wherever the build lives.
 *
 * Why not `import`: Node 20 imports a CommonJS module into ESM by compiling it once more to detect
 * its format (a package without `"type"`) and scanning its source for export names; for
 * typescript.js (9 MB) that is ~400 ms on top of the ~250 ms `require` costs, and openapi-typescript's
 * ESM build imports it that way. Required, they load through the CommonJS loader only, which the
 * code cache of bin/codegen.js also covers.
 */
export const requireCommonJs = createRequire(import.meta.url);
