import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where one version of the contract's files is read from: a directory, or a git ref. */
export interface ContractSource {
  /** Said in reports: `the recorded release`, `main`, `the working tree`. */
  label: string;
  /** A repository-relative file's text in this version, or undefined when it has none. */
  read(path: string): string | undefined;
}

/** The files as they are in the checkout at `root`. */
export function workingTree(root: string, label = 'the working tree'): ContractSource {
  return {
    label,
    read: (path) => {
      const file = join(root, path);
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
  };
}

/** The files as they were at `ref` in the git repository at `root` (`git show <ref>:<path>`). */
export function gitRef(root: string, ref: string): ContractSource {
  execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root, stdio: 'ignore' });
  return {
    label: ref,
    read: (path) => {
      try {
        return execFileSync('git', ['show', `${ref}:${path}`], {
          cwd: root,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
          maxBuffer: 64 * 1024 * 1024,
        });
      } catch {
        return undefined;
      }
    },
  };
}
