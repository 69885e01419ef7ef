import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { REPO_ROOT } from '../../src/repo-paths.js';

/** What a scratch checkout leaves out: history, caches, builds, and the root's installed packages (linked instead). */
const SKIPPED = new Set(['.git', '.cache', '.data', 'dist', 'coverage', 'results', 'sdks']);

/**
 * A copy of this checkout in a temporary directory, for a test that rewrites specs and regenerates:
 * the sources and each workspace package's node_modules (pnpm's relative links) are copied, the
 * root node_modules is a link to this checkout's, so nothing is installed. The SDKs are left out.
 */
export function scratchCheckout(): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'mmtel-checkout-'));
  cpSync(REPO_ROOT, root, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const path = relative(REPO_ROOT, source);
      if (path === 'node_modules') return false;
      return !path.split(sep).some((part) => SKIPPED.has(part));
    },
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
