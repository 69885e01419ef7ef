/**
 * `pnpm generate` wall time, without changing the working tree: runs what `pnpm generate` runs
 * (`node tools/codegen/bin/codegen.js generate`) with `--check`, which does all the work
 * (spec checks, bundling, generation in memory) and compares instead of writing. Times spawn →
 * exit: first one run with empty caches (`coldMs`: a fresh checkout's first run builds the
 * generator and its code cache; MMTEL_CODEGEN_CACHE_DIR points it at a scratch directory), then,
 * after one unmeasured run that fills the checkout's caches, `runs` times with warm caches and
 * `--no-record` (the figure: the whole work, as after a spec change, on a maintainer's machine),
 * then `runs` times without it (what a run with nothing changed since the last costs: the
 * generator's record lets it skip the work).
 *
 *   node --import tsx tools/bench/src/benchmarks/generate-time.ts [--runs 1] [--out FILE]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../stats.js';
import { parseBenchArgs, positive, writeResult } from '../result-file.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** What this child writes. */
export interface GenerateTimeResult {
  /** One run doing the whole work with empty caches (the generator built, every module compiled). */
  coldMs: number;
  /** Runs doing the whole work (`--no-record`), caches warm. */
  runsMs: number[];
  medianMs: number;
  /** Runs right after, with nothing changed: skipped thanks to the generator's record. */
  unchangedRunsMs: number[];
  unchangedMedianMs: number;
  /** Exit code of the last run: 0 up to date, 1 drift (the time still counts: all the work was done). */
  exitCode: number | null;
  output: string;
}

async function timeGenerate(
  flags: string[] = [],
  env: Record<string, string> = {},
): Promise<{ ms: number; exitCode: number | null; output: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['tools/codegen/bin/codegen.js', 'generate', '--check', ...flags], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  return { ms: performance.now() - started, exitCode, output: output.trim().slice(-2000) };
}

const args = parseBenchArgs({ runs: { type: 'string', default: '1' } });
const runsMs: number[] = [];
const unchangedRunsMs: number[] = [];
const emptyCaches = await mkdtemp(join(tmpdir(), 'bench-codegen-cache-'));
const cold = await timeGenerate(['--no-record'], { MMTEL_CODEGEN_CACHE_DIR: emptyCaches });
await rm(emptyCaches, { recursive: true, force: true });
await timeGenerate(['--no-record']);
let last: Awaited<ReturnType<typeof timeGenerate>> | undefined;
for (let i = 0; i < positive('runs', args.runs); i++) {
  last = await timeGenerate(['--no-record']);
  runsMs.push(last.ms);
}
for (let i = 0; i < positive('runs', args.runs) && last?.exitCode === 0; i++) unchangedRunsMs.push((await timeGenerate()).ms);
await writeResult(args.out, {
  coldMs: cold.ms,
  runsMs,
  medianMs: median(runsMs),
  unchangedRunsMs,
  unchangedMedianMs: median(unchangedRunsMs),
  exitCode: last?.exitCode ?? null,
  output: last?.output ?? '',
} satisfies GenerateTimeResult);
