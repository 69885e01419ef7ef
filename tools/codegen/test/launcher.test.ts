import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildGenerator } from '../bin/build.js';

// bin/codegen.js is what `pnpm generate` runs: the generator built from src/ and run on plain
// Node with a code cache. It must do exactly what the sources do under tsx.

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const launcher = fileURLToPath(new URL('../bin/codegen.js', import.meta.url));
const sources = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

let scratch: string | undefined;
afterEach(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe('bin/codegen.js (pnpm generate)', () => {
  it('reports the committed generated files up to date, doing the whole work', async () => {
    const result = await run([launcher, 'generate', '--check', '--no-record']);
    expect(result.stdout).toContain('generated files are up to date');
    expect(result.code).toBe(0);
  });

  it('compiles no required module from source on a run after another', async () => {
    await run([launcher, 'generate', '--check', '--no-record']);
    const second = await run([launcher, 'generate', '--check', '--no-record'], { MMTEL_CODEGEN_CACHE_STATS: '1' });

    const stats = /codegen caches: (.*)/.exec(second.stderr)?.[1];
    expect(JSON.parse(stats ?? 'null')).toEqual({
      build: 'reused',
      codeCache: expect.objectContaining({ misses: 0, rejected: 0, written: 0, hits: expect.any(Number) }),
    });
    expect(second.code).toBe(0);
  });

  it('reports a broken spec exactly as the sources under tsx do', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'codegen-launcher-'));
    await cp(join(repoRoot, 'specs'), join(scratch, 'specs'), { recursive: true });
    await cp(join(repoRoot, 'redocly.yaml'), join(scratch, 'redocly.yaml'));
    await cp(join(repoRoot, 'tools/codegen/lint'), join(scratch, 'tools/codegen/lint'), { recursive: true });
    const spec = join(scratch, 'specs/TS29392_MMTel_CallEvent.yaml');
    await writeFile(spec, (await readFile(spec, 'utf8')).replace(/(\$ref: '[^'#]*#\/components\/schemas\/)(\w+)/, '$1Missing$2'));

    const [built, fromSources] = await Promise.all([
      run([launcher, 'generate', '--root', scratch]),
      run([tsx, sources, 'generate', '--root', scratch]),
    ]);

    expect(built.stderr).toContain('nothing was generated');
    expect(built).toEqual(fromSources);
  });

  it('refuses a command other than generate (spec checks alone: pnpm check-specs)', async () => {
    const result = await run([launcher, 'check']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pnpm check-specs');
  });
});

describe('the build of the generator', () => {
  it('is made anew when a source changes, and reused otherwise', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'codegen-build-'));
    const src = join(scratch, 'src');
    await cp(fileURLToPath(new URL('./fixtures/launcher/src', import.meta.url)), src, { recursive: true });
    const cache = join(scratch, 'build');

    const first = buildGenerator(src, cache);
    const again = buildGenerator(src, cache);
    await writeFile(join(src, 'answer.ts'), 'export const answer: number = 43;\n');
    const edited = buildGenerator(src, cache);

    expect(first.built).toBe(true);
    expect(again).toEqual({ entry: first.entry, built: false });
    expect(edited.built).toBe(true);
    expect(edited.entry).not.toBe(first.entry);
    expect(await run([first.entry])).toEqual({ code: 0, stdout: '42\n', stderr: '' });
    expect(await run([edited.entry])).toEqual({ code: 0, stdout: '43\n', stderr: '' });
  });
});
