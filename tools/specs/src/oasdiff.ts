import { fileURLToPath } from 'node:url';
import { ensureGoTool, runCommand } from '@mmtel/toolchain';

/**
 * oasdiff, pinned: a maintained OpenAPI diff with some 300 breaking-change rules for requests,
 * answers, parameters, headers and constraints, built from its module through the Go module proxy.
 */
export const OASDIFF = { module: 'github.com/oasdiff/oasdiff', version: 'v1.39.0', minimumGo: '1.26' } as const;

/**
 * Levels raised above oasdiff's defaults (oasdiff --severity-levels). oasdiff calls an optional
 * attribute removed from an answer information, since a client must cope with its absence; but a
 * consumer that reads it, an SDK user or an AS reading a notification, loses what it used, so
 * here it breaks them.
 */
const LEVELS = fileURLToPath(new URL('../oasdiff-levels.txt', import.meta.url));

/** One change oasdiff found; `level` is 3 (error: breaking), 2 (warning: may break) or 1 (info). */
export interface OasdiffChange {
  id: string;
  text: string;
  level: number;
  operation?: string;
  operationId?: string;
  path?: string;
}

/** The path of the oasdiff binary, installed into .cache/go on first use. */
export function oasdiffBinary(log?: (line: string) => void): Promise<string> {
  return ensureGoTool({ ...OASDIFF, ...(log ? { log } : {}) });
}

/**
 * Every change from `base` to `revision` (two single-file specs), with its level. External
 * references are refused: the bundles have none, and a spec must not make oasdiff fetch anything.
 */
export async function oasdiffChangelog(base: string, revision: string, log?: (line: string) => void): Promise<OasdiffChange[]> {
  const binary = await oasdiffBinary(log);
  const result = await runCommand(
    binary,
    ['changelog', base, revision, '--format', 'json', '--allow-external-refs=false', '--severity-levels', LEVELS],
    { timeoutMs: 120_000 },
  );
  const parsed: unknown = JSON.parse(result.stdout.trim() === '' ? '[]' : result.stdout);
  if (!Array.isArray(parsed)) throw new Error(`oasdiff answered something other than a list: ${result.stdout.slice(0, 200)}`);
  return parsed as OasdiffChange[];
}
