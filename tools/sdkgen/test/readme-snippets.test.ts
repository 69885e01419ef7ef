import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '@mmtel/toolchain';
import { describe, expect, it } from 'vitest';

/**
 * The SDK READMEs show code in Java and Python, which no TypeScript check reads: each such block
 * must be an excerpt, verbatim up to indentation, of a source file that the SDK tests compile and
 * run, so that the README cannot show code that does not work.
 */
const readmes = [
  { readme: 'sdks/java/README.md', language: 'java', sources: ['examples/java', 'sdks/java/integration-tests'], extension: '.java' },
  { readme: 'sdks/python/README.md', language: 'python', sources: ['examples/python', 'sdks/python/tests'], extension: '.py' },
] as const;

describe.each(readmes.filter((r) => existsSync(join(repoRoot, r.readme))))('$readme', ({ readme, language, sources, extension }) => {
  it(`shows only ${language} code that a tested source file contains`, async () => {
    const text = await readFile(join(repoRoot, readme), 'utf8');
    const blocks = [...text.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => normalize(m[1]!));
    const files = (await Promise.all(sources.map((dir) => sourceFiles(join(repoRoot, dir), extension)))).flat();
    const corpus = (await Promise.all(files.map((file) => readFile(file, 'utf8')))).map(normalize).join('\n');
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.filter((block) => !corpus.includes(block))).toEqual([]);
  });
});

/** Lines without their indentation and without blank lines: a README block is indented freely. */
function normalize(code: string): string {
  return code
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

async function sourceFiles(dir: string, extension: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(extension) && !e.parentPath.includes('/target/') && !e.parentPath.includes('__pycache__'))
    .map((e) => join(e.parentPath, e.name));
}
