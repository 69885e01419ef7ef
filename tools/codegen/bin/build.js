// @ts-check
/**
 * The generator compiled to JavaScript once per version of its sources, so that `pnpm generate`
 * runs on plain Node: under tsx, its loader thread and Node's ESM path for CommonJS packages cost
 * about a second of CPU per run.
 *
 * esbuild bundles src/cli.ts (packages stay external: the sources `require` them, src/commonjs.ts)
 * into a directory named after the hash of the sources and of the build
 * options; a build is made when that directory does not exist, into a temporary one renamed when
 * complete, so concurrent runs never see half a build. Builds of other sources are removed an
 * hour after they were made (a run still using one loads its chunks on demand).
 *
 * The sources locate files from `import.meta.url` (the checkout, the lint plugins, their
 * `require`): the build defines it as the URL of src/cli.ts, which is right for every module since
 * they all sit in src/ itself (checked here), so the built code behaves as if run from src/,
 * wherever the build is kept (MMTEL_CODEGEN_CACHE_DIR may put it outside the checkout).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Bump when the options below change: the build directory's name then changes too. */
const BUILD_FORMAT = 1;
const KEEP_OTHER_BUILDS_MS = 60 * 60 * 1000;

/**
 * @typedef {{ entry: string, built: boolean }} BuiltGenerator
 * @typedef {{ buildSync(options: Record<string, unknown>): unknown }} Esbuild
 */

/**
 * The built entry of the generator in `cacheDir`, built from `srcDir` first when its sources
 * changed since the last build.
 * @param {string} srcDir tools/codegen/src
 * @param {string} cacheDir where builds are kept (under node_modules, so never committed)
 * @returns {BuiltGenerator}
 */
export function buildGenerator(srcDir, cacheDir) {
  const sources = readdirSync(srcDir, { withFileTypes: true });
  if (sources.some((entry) => entry.isDirectory())) {
    throw new Error(`${srcDir} has a subdirectory: the build defines one import.meta.url for all of src/ (bin/build.js)`);
  }
  const require = createRequire(import.meta.url);
  const esbuildPackage = /** @type {{ version: string }} */ (require('esbuild/package.json'));
  const hash = createHash('sha256').update(`format ${BUILD_FORMAT}\nesbuild ${esbuildPackage.version}\n`);
  for (const name of sources.map((entry) => entry.name).sort()) {
    hash
      .update(`${name}\n`)
      .update(readFileSync(join(srcDir, name)))
      .update('\n');
  }
  const key = hash.digest('hex').slice(0, 20);
  const outdir = join(cacheDir, key);
  const entry = join(outdir, 'cli.js');
  if (existsSync(entry)) return { entry, built: false };

  const temporary = `${outdir}.${process.pid}.tmp`;
  const esbuild = /** @type {Esbuild} */ (require('esbuild'));
  // Throws on a compile error, with esbuild's messages.
  esbuild.buildSync({
    entryPoints: [join(srcDir, 'cli.ts')],
    outdir: temporary,
    bundle: true,
    // Modules the CLI imports on demand stay separate chunks, loaded only when used.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(srcDir, 'cli.ts')).href) },
    logLevel: 'silent',
  });
  try {
    renameSync(temporary, outdir);
  } catch (error) {
    // Another run finished the same build first: its copy is as good as this one.
    rmSync(temporary, { recursive: true, force: true });
    if (!existsSync(entry)) throw error;
  }
  for (const other of readdirSync(cacheDir)) {
    const path = join(cacheDir, other);
    const made = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (other !== key && Date.now() - made > KEEP_OTHER_BUILDS_MS) rmSync(path, { recursive: true, force: true });
  }
  return { entry, built: true };
}
