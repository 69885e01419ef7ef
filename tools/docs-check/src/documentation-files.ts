import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CodeBlock, codeBlocks } from './code-blocks.js';

/** The repository's root directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The documents whose examples must stay true, repository-relative: README.md, every Markdown
 * file under docs/, and the README of every package and example.
 */
export function documentationFiles(root = REPO_ROOT): string[] {
  const under = (folder: string): string[] =>
    readdirSync(join(root, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, folder, entry.name, 'README.md')))
      .map((entry) => `${folder}/${entry.name}/README.md`)
      .sort();
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md'))
    .map((path) => `docs/${path}`)
    .sort();
  return ['README.md', ...docs, ...under('packages'), ...under('examples')];
}

/** Every code block of the documentation, document by document, in order. */
export function documentationBlocks(root = REPO_ROOT): CodeBlock[] {
  return documentationFiles(root).flatMap((document) => codeBlocks(readFileSync(join(root, document), 'utf8'), document));
}
