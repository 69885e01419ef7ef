import { defineConfig } from 'tsup';

// One ESM file for the `mmtel` bin. @mmtel/types (types and the callback table, which `listen`
// reads) is bundled, as the client and the receiver bundle it: it is not published. The published
// @mmtel/client and @mmtel/receiver, and the libraries, stay ordinary dependencies.
export default defineConfig({
  entry: ['src/bin.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@mmtel\/types/],
  sourcemap: true,
  clean: true,
});
