import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/repo-paths.js';

/** A scratch checkout holding a copy of specs/ (spec files and manifest), for checks that edit them. */
export interface ScratchSpecs {
  root: string;
  /** Replaces `from` with `to` in `specs/<file>`; throws when `from` is not there, so a stale test fails loudly. */
  edit(file: string, from: string, to: string): void;
  remove(): void;
}

/** Copies this checkout's specs/ (without the bundles) into a new temporary directory. */
export function scratchSpecs(): ScratchSpecs {
  const root = mkdtempSync(join(tmpdir(), 'mmtel-specs-'));
  cpSync(join(REPO_ROOT, 'specs'), join(root, 'specs'), { recursive: true, filter: (source) => !source.includes('bundled') });
  return {
    root,
    edit(file, from, to) {
      const path = join(root, 'specs', file);
      const text = readFileSync(path, 'utf8');
      if (!text.includes(from)) throw new Error(`specs/${file} does not hold ${JSON.stringify(from)}`);
      writeFileSync(
        path,
        text.replace(from, () => to),
      );
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
