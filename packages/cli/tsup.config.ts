import { defineConfig } from 'tsup';

// One ESM file for the `mmtel` bin. @mmtel/types is only ever imported for its types; the
// published @mmtel/client and @mmtel/receiver, and the libraries, stay ordinary dependencies.
export default defineConfig({
  entry: ['src/bin.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@mmtel\/types/],
  sourcemap: true,
  clean: true,
});
