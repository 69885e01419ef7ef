import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { defineConfig } from 'tsup';

const SPECS_DIR = new URL('../../specs/bundled/', import.meta.url);

/**
 * `pnpm --filter @mmtel/check build`: ES modules for Node 20 (the kit runs in `mmtel check` and
 * in an AS's own scripts), declarations included. Both entries land in dist/ itself, so that the
 * bundled specs the judge reads (copied into dist/specs/, see attacks/spec-documents.ts) are
 * found beside whichever chunk holds the code. @mmtel/receiver and the npm libraries stay
 * ordinary dependencies.
 */
export default defineConfig({
  entry: { index: 'src/index.ts', attacks: 'src/attacks/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  async onSuccess() {
    const specs = new URL('./dist/specs/', import.meta.url);
    await mkdir(specs, { recursive: true });
    for (const file of await readdir(SPECS_DIR)) if (file.endsWith('.yaml')) await copyFile(new URL(file, SPECS_DIR), new URL(file, specs));
  },
});
