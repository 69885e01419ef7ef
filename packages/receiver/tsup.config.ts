import { defineConfig } from 'tsup';

// The published package is self-contained: @mmtel/types (the contract: callback table, schemas,
// types) and @mmtel/validation (the validation core it shares with the reference server) are
// bundled into the code and into the declarations; fastify, fastify-plugin, ws, ajv and
// ajv-formats stay ordinary dependencies.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@mmtel\//],
  external: ['ajv', 'ajv-formats', 'fastify', 'fastify-plugin', 'ws'],
  // tsup's own dts resolver reads only a top-level `types` field, and TypeScript's resolution sees
  // the workspace link as an external library; a path mapping makes the contract's sources part
  // of the declaration bundle.
  dts: {
    compilerOptions: {
      rootDir: '..',
      paths: { '@mmtel/types': ['../types/src/index.ts'], '@mmtel/validation': ['../validation/src/index.ts'] },
    },
  },
  sourcemap: true,
  clean: true,
});
