import { copyFile, readdir } from 'node:fs/promises';
import { defineConfig } from 'tsup';

const SQL_DIR = new URL('./src/store/postgres/', import.meta.url);
const OUT_DIR = new URL('./dist/bin/', import.meta.url);

/**
 * `pnpm --filter @mmtel/server build`: the server as one ES module, dist/bin/main.js, run by plain
 * Node (`pnpm start`: no TypeScript loader at run time, one module to load instead of hundreds).
 * The workspace packages (@mmtel/types, @mmtel/validation: TypeScript sources) are bundled in;
 * the npm dependencies stay external. The output sits two directories below the package, as
 * src/<dir>/<module>.ts does, so that the paths modules resolve against their own URL (the
 * bundled specs the docs site serves) hold in both; the PostgreSQL store's SQL files, read the
 * same way, are copied beside it.
 */
export default defineConfig({
  entry: { 'bin/main': 'src/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@mmtel\//],
  splitting: false,
  sourcemap: true,
  clean: true,
  async onSuccess() {
    for (const file of await readdir(SQL_DIR)) if (file.endsWith('.sql')) await copyFile(new URL(file, SQL_DIR), new URL(file, OUT_DIR));
  },
});
