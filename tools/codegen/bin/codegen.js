#!/usr/bin/env node
// @ts-check
/**
 * `pnpm generate` on plain Node: builds the generator when its sources changed (build.js), keeps
 * a V8 code cache of the CommonJS packages it loads (code-cache.js), then runs src/cli.ts's build
 * with the same arguments. Both caches live in tools/codegen/node_modules/.cache/mmtel-codegen
 * (or MMTEL_CODEGEN_CACHE_DIR: an empty one times a first run).
 *
 *   node tools/codegen/bin/codegen.js generate [--check] [--no-record] [--root DIR]
 *
 * Only `generate`: `check` also runs openapi-generator through @mmtel/sdkgen, whose sources are
 * TypeScript, and stays with tsx (`pnpm check-specs`).
 *
 * Environment: MMTEL_CODEGEN_CODE_CACHE=off compiles every module from source (what a first run
 * costs); MMTEL_CODEGEN_CACHE_STATS=1 prints what the caches did, on stderr, at exit.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildGenerator } from './build.js';
import { installCodeCache } from './code-cache.js';

const codegenDir = fileURLToPath(new URL('..', import.meta.url));
// As src/cache-dir.ts says.
const cacheDir = process.env.MMTEL_CODEGEN_CACHE_DIR ?? join(codegenDir, 'node_modules', '.cache', 'mmtel-codegen');

if (process.argv[2] !== 'generate') {
  process.stderr.write('usage: codegen.js generate [--check] [--no-record] [--root DIR]\n  (spec checks alone: pnpm check-specs)\n');
  process.exit(2);
}
const { entry, built } = buildGenerator(join(codegenDir, 'src'), join(cacheDir, 'build'));
const codeCache =
  process.env.MMTEL_CODEGEN_CODE_CACHE === 'off'
    ? undefined
    : installCodeCache(join(cacheDir, 'v8-code-cache', `${process.version}-${process.arch}.bin`));
if (process.env.MMTEL_CODEGEN_CACHE_STATS === '1') {
  // Registered after the code cache's own exit listener, so the figures include what it wrote.
  process.once('exit', () => {
    const stats = codeCache?.() ?? 'off';
    process.stderr.write(`codegen caches: ${JSON.stringify({ build: built ? 'built' : 'reused', codeCache: stats })}\n`);
  });
}
await import(pathToFileURL(entry).href);
