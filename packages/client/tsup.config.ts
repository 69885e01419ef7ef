import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

const INTEROP = 'openapi-fetch-interop';

/**
 * Keeps openapi-fetch external in both builds. The CommonJS build imports it through a module
 * outside this `"type": "module"` package: in a file of an ESM package esbuild applies Node's
 * interop (a default import is the whole `module.exports`), which ignores openapi-fetch's
 * `__esModule` and would hand the generated code an object instead of `createClient`.
 */
const openapiFetchExternal: EsbuildPlugin = {
  name: 'openapi-fetch-external',
  setup(build) {
    const cjs = build.initialOptions.format === 'cjs';
    build.onResolve({ filter: /^openapi-fetch$/ }, (args) =>
      !cjs || args.namespace === INTEROP ? { path: 'openapi-fetch', external: true } : { path: 'openapi-fetch', namespace: INTEROP },
    );
    build.onLoad({ filter: /.*/, namespace: INTEROP }, () => ({
      // Only the default export is used at run time (the rest are types); another import fails the build.
      contents: "export { default } from 'openapi-fetch';\n",
      loader: 'js',
    }));
  },
};

// The published package is self-contained: @mmtel/types (the contract) is bundled into the code
// and into the declarations; openapi-fetch stays an ordinary dependency (external, see above).
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  // openapi-fetch is listed so that tsup's own external handling leaves it to the plugin.
  noExternal: [/^@mmtel\//, /^openapi-fetch$/],
  esbuildPlugins: [openapiFetchExternal],
  // tsup's own dts resolver ignores `exports`; mapped paths let rollup-plugin-dts inline the
  // contract's declarations instead of leaving imports of a package the published one lacks.
  dts: {
    compilerOptions: {
      rootDir: '..',
      paths: {
        '@mmtel/types': ['../types/src/index.ts'],
        '@mmtel/types/*': ['../types/src/*.gen.ts'],
      },
    },
  },
  sourcemap: true,
  clean: true,
});
