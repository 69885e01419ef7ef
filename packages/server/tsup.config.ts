import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineConfig } from 'tsup';

const SQL_DIR = new URL('./src/store/postgres/', import.meta.url);
const SPECS_DIR = new URL('../../specs/bundled/', import.meta.url);

/**
 * `pnpm --filter @mmtel/server build`: the server as it is run (`pnpm start`, the `mmtel-server`
 * bin: dist/main.js) and as it is imported (`startReferenceServer` and the rest of the public
 * entry: dist/index.js with its declarations), by plain Node, with no TypeScript loader at run
 * time. ES modules only: the server has top-level await (glue's parser loaded by file), which
 * `require()` of an ES module cannot load, and its consumers (an AS's test suite under vitest,
 * `node`) import ES modules; a CommonJS caller can still `await import('@mmtel/server')`.
 *
 * The workspace packages (@mmtel/types, @mmtel/validation: private TypeScript sources) are bundled
 * into the code and the declarations; the npm dependencies stay external. Both entries share one
 * chunk, and every file lands in dist/ itself, so that the paths modules resolve against their
 * own URL hold wherever the code ends up: the PostgreSQL store's SQL files are copied beside it,
 * the bundled specs (served at /specs/ and /docs/) into dist/specs/ (see bundled-specs-dir.ts).
 */
export default defineConfig((cli) => ({
  entry: { index: 'src/index.ts', main: 'src/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@mmtel\//],
  splitting: true,
  sourcemap: true,
  clean: true,
  // tsup's declaration bundler ignores `exports`: mapped paths make the contract's sources part of
  // the declarations instead of imports of packages the published one does not depend on. The
  // declarations take ~13 s of a ~14 s build; scripts/start.js, which only runs the server, sets
  // DECLARATIONS=off.
  dts: process.env.DECLARATIONS !== 'off' && {
    entry: { index: 'src/index.ts' },
    compilerOptions: {
      rootDir: '..',
      paths: {
        '@mmtel/types': ['../types/src/index.ts'],
        '@mmtel/types/*': ['../types/src/*.gen.ts'],
        '@mmtel/validation': ['../validation/src/index.ts'],
      },
    },
  },
  // The files go where the code went: `--out-dir` (the package test builds into a directory of its own) or dist/.
  async onSuccess() {
    const out = pathToFileURL(`${resolve(cli.outDir ?? 'dist')}/`);
    for (const file of await readdir(SQL_DIR)) if (file.endsWith('.sql')) await copyFile(new URL(file, SQL_DIR), new URL(file, out));
    const specs = new URL('specs/', out);
    await mkdir(specs, { recursive: true });
    for (const file of await readdir(SPECS_DIR)) if (file.endsWith('.yaml')) await copyFile(new URL(file, SPECS_DIR), new URL(file, specs));
  },
}));
