import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { type CodeBlock, directiveOf } from './code-blocks.js';
import { REPO_ROOT } from './documentation-files.js';

/**
 * Where the blocks are compiled: inside this package, so that `@mmtel/client`, `@mmtel/receiver`
 * and `fastify` resolve through its node_modules as they would in an AS's project; under
 * node_modules, so that git, Biome and ESLint leave it alone.
 */
export const SCRATCH = join(REPO_ROOT, 'tools/docs-check/node_modules/.docs-check');

/** A compiler error, placed in the document. */
export interface BlockDiagnostic {
  document: string;
  line: number;
  message: string;
}

const DIAGNOSTIC = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/;

/**
 * Compiles every block in one tsc run, each as a module of its own (what a reader would paste
 * into a file), with the repository's strict settings and the workspace packages' sources.
 * Returns the errors, each at its line in the document.
 */
export function typeCheckBlocks(blocks: readonly CodeBlock[], scratch = SCRATCH): BlockDiagnostic[] {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const files = new Map<string, { block: CodeBlock; given: number }>();
  for (const block of blocks) {
    const name = `${block.document.replace(/[^A-Za-z0-9]+/g, '-')}-L${block.line}.ts`;
    const given = directiveOf(block, 'given')?.code ?? '';
    const givenLines = given === '' ? 0 : given.split('\n').length;
    // `export {}` makes a block without imports a module too (top-level await, no global names).
    writeFileSync(join(scratch, name), `${given === '' ? '' : `${given}\n`}${block.code}\nexport {};\n`);
    files.set(name, { block, given: givenLines });
  }
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({
      extends: relative(scratch, join(REPO_ROOT, 'tsconfig.base.json')),
      compilerOptions: {
        noEmit: true,
        declaration: false,
        sourceMap: false,
        customConditions: ['@mmtel/source'],
        lib: ['ES2023', 'DOM'],
      },
      files: [...files.keys()],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(scratch, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: scratch,
    encoding: 'utf8',
  });
  if (result.error !== undefined) throw result.error;
  const diagnostics: BlockDiagnostic[] = [];
  for (const line of result.stdout.split('\n')) {
    const match = DIAGNOSTIC.exec(line);
    if (match === null) {
      // tsc continues a message on indented lines (the chain of a type error).
      if (line.startsWith(' ') && diagnostics.length > 0) diagnostics[diagnostics.length - 1]!.message += `\n${line}`;
      continue;
    }
    const [, file, row, , message] = match as unknown as [string, string, string, string, string];
    const compiled = files.get(relative(scratch, join(scratch, file)));
    if (compiled === undefined) {
      diagnostics.push({ document: file, line: Number(row), message });
      continue;
    }
    const inBlock = Number(row) - compiled.given;
    diagnostics.push(
      inBlock >= 1
        ? { document: compiled.block.document, line: compiled.block.line + inBlock - 1, message }
        : { document: compiled.block.document, line: compiled.block.line, message: `in its given code, line ${row}: ${message}` },
    );
  }
  if (diagnostics.length === 0 && result.status !== 0)
    throw new Error(`tsc failed without a diagnostic:\n${result.stdout}${result.stderr}`);
  return diagnostics;
}
