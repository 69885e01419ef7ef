import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { ApiSource } from './layout.js';
import { OpenApiDocument, type JsonObject } from './openapi-model.js';

const run = promisify(execFile);
const redoclyBin = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin/cli.js');

/** One API bundled into a single file with every `$ref` hoisted to `#/components/...`. */
export interface BundledApi {
  source: ApiSource;
  /** The bundle as redocly wrote it (YAML, no header). */
  yaml: string;
  document: OpenApiDocument;
}

/**
 * Bundles each API root spec with `redocly bundle` (one process per API, in parallel).
 * A component-name collision between two files is an error, never a silent rename:
 * the generated type names must stay the 3GPP ones.
 */
export async function bundleApis(root: string, apis: ApiSource[]): Promise<BundledApi[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'mmtel-bundle-'));
  try {
    return await Promise.all(
      apis.map(async (source) => {
        const target = join(outDir, basename(source.spec));
        await run(
          process.execPath,
          [redoclyBin, 'bundle', source.spec, '--output', target, '--ext', 'yaml', '--component-renaming-conflicts-severity', 'error', '--lint-config', 'off'],
          { cwd: root, env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
        ).catch((error: { stderr?: string; message: string }) => {
          throw new Error(`redocly bundle ${source.spec} failed:\n${error.stderr ?? error.message}`);
        });
        const yaml = await readFile(target, 'utf8');
        return { source, yaml, document: new OpenApiDocument(parse(yaml) as JsonObject) };
      }),
    );
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
