import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the generator keeps what it can make again (the generation record, kept validators; and,
 * for bin/codegen.js, the build and the code cache): tools/codegen/node_modules/.cache/mmtel-codegen,
 * never committed, or MMTEL_CODEGEN_CACHE_DIR (the benchmark times a first run in an empty one).
 */
export function codegenCacheDir(): string {
  return (
    process.env.MMTEL_CODEGEN_CACHE_DIR ?? join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.cache', 'mmtel-codegen')
  );
}
