import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { runGenerator } from './openapi-generator.js';
import type { SdkTarget } from './sdk-targets.js';

/** Where one generator run put its output, before anything in the checkout is touched. */
export interface StagedSdks {
  /** Holds each target's output under its repo-relative `outputDir`. */
  dir: string;
  remove(): Promise<void>;
}

/**
 * Generates every target into a fresh staging directory with one `openapi-generator batch` run
 * (one JVM start for all of them). Nothing in `root` is written.
 */
export async function stageSdks(root: string, targets: readonly SdkTarget[]): Promise<StagedSdks> {
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-sdks-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const configs: string[] = [];
    for (const target of targets) {
      const { config } = target;
      const file = join(dir, 'config', `${target.name}.json`);
      const outputDir = join(dir, 'out', target.outputDir);
      await mkdir(dirname(file), { recursive: true });
      // openapi-generator honours the ignore file it finds in the output directory (its
      // --ignore-file-override did not take effect in 7.27.0).
      await mkdir(outputDir, { recursive: true });
      await cp(join(root, target.ignoreFile), join(outputDir, '.openapi-generator-ignore'));
      await writeFile(
        file,
        JSON.stringify({
          ...config,
          inputSpec: join(root, target.inputSpec),
          outputDir,
          templateDir: join(root, config.templateDir),
        }),
      );
      configs.push(file);
    }
    const run = await runGenerator(['batch', '--fail-fast', '--threads', '2', '--', ...configs], { allowFailure: true });
    // batch reports a failed generator on stdout and may still exit 0.
    if (run.code !== 0 || /\[FAIL\]|Generation failed/.test(run.output)) {
      throw new Error(`openapi-generator batch failed:\n${run.output}`);
    }
    // batch keeps each generator's log to itself (even with --verbose): only failures are seen.
    return { dir: join(dir, 'out'), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** How a generated directory in the checkout differs from its staged copy. */
export interface TreeDrift {
  outputDir: string;
  /** Repo-relative paths. */
  changed: string[];
  added: string[];
  removed: string[];
}

/** Compares each target's staged output with the checkout: byte for byte, both ways. */
export async function compareWithCheckout(root: string, staged: StagedSdks, targets: readonly SdkTarget[]): Promise<TreeDrift[]> {
  const drifts: TreeDrift[] = [];
  for (const { outputDir } of targets) {
    const [want, have] = await Promise.all([fileHashes(join(staged.dir, outputDir)), fileHashes(join(root, outputDir))]);
    const repoPath = (path: string) => `${outputDir}/${path}`;
    drifts.push({
      outputDir,
      changed: [...want].filter(([path, hash]) => have.has(path) && have.get(path) !== hash).map(([path]) => repoPath(path)),
      added: [...want.keys()].filter((path) => !have.has(path)).map(repoPath),
      removed: [...have.keys()].filter((path) => !want.has(path)).map(repoPath),
    });
  }
  return drifts;
}

/** Replaces each target's directory in the checkout with its staged output. */
export async function writeToCheckout(root: string, staged: StagedSdks, targets: readonly SdkTarget[]): Promise<void> {
  for (const { outputDir } of targets) {
    await rm(join(root, outputDir), { recursive: true, force: true });
    await cp(join(staged.dir, outputDir), join(root, outputDir), { recursive: true });
  }
}

/** Every file under `dir` (relative path → SHA-256); empty when `dir` does not exist. */
async function fileHashes(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  const hashes = await Promise.all(
    files.map(
      async (file) =>
        [
          relative(dir, file),
          createHash('sha256')
            .update(await readFile(file))
            .digest('hex'),
        ] as const,
    ),
  );
  return new Map(hashes.sort(([a], [b]) => a.localeCompare(b)));
}
