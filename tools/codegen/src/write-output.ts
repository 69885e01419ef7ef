import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GeneratorOutput } from './generate.js';

/** What a write changed, repo-relative. */
export interface WriteReport {
  written: string[];
  unchanged: string[];
  removed: string[];
  scaffolded: string[];
}

const GENERATED_FILE = /\.gen\.ts$|\.bundled\.yaml$/;

/**
 * Writes the generated files (only those whose bytes changed), creates missing handler
 * scaffolds, and removes generated files that the specs no longer produce, e.g. after an
 * operation or API is renamed.
 */
export async function writeOutput(root: string, output: GeneratorOutput): Promise<WriteReport> {
  const report: WriteReport = { written: [], unchanged: [], removed: [], scaffolded: [] };
  const dirs = new Set<string>();
  for (const [path, content] of output.files) {
    dirs.add(dirname(path));
    const target = join(root, path);
    if ((await readFile(target, 'utf8').catch(() => null)) === content) {
      report.unchanged.push(path);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    report.written.push(path);
  }
  for (const dir of dirs) {
    for (const entry of await readdir(join(root, dir))) {
      const path = `${dir}/${entry}`;
      if (GENERATED_FILE.test(entry) && !output.files.has(path)) {
        await rm(join(root, path));
        report.removed.push(path);
      }
    }
  }
  for (const [path, content] of output.scaffolds) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content, { flag: 'wx' });
    report.scaffolded.push(path);
  }
  return report;
}
