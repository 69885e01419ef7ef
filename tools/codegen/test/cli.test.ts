import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));

/** Runs the codegen CLI; resolves with its exit code and output, never rejects. */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tsx, cli, ...args], { cwd: repoRoot }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

let scratch: string | undefined;
afterEach(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** A copy of the specs (and the lint configuration) to break. */
async function scratchCheckout(): Promise<string> {
  scratch = await mkdtemp(join(tmpdir(), 'codegen-cli-'));
  await cp(join(repoRoot, 'specs'), join(scratch, 'specs'), { recursive: true });
  await cp(join(repoRoot, 'redocly.yaml'), join(scratch, 'redocly.yaml'));
  await cp(join(repoRoot, 'tools/codegen/lint'), join(scratch, 'tools/codegen/lint'), { recursive: true });
  return scratch;
}

describe('pnpm generate', () => {
  it('fails on a broken $ref, naming the file and line, and writes nothing', async () => {
    const root = await scratchCheckout();
    const spec = join(root, 'specs/TS29392_MMTel_CallControl.yaml');
    const text = await readFile(spec, 'utf8');
    const broken = text.replace(
      "TS29522_ImsSessionManagement.yaml#/components/schemas/ImsSession'",
      "TS29522_ImsSessionManagement.yaml#/components/schemas/ImsSesion'",
    );
    expect(broken).not.toBe(text);
    await writeFile(spec, broken);
    const line = broken.split('\n').findIndex((l) => l.includes('ImsSesion')) + 1;

    const result = await runCli(['generate', '--root', root]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`specs/TS29392_MMTel_CallControl.yaml:${line}:`);
    expect(result.stderr).toContain('nothing was generated');
  });

  it('reports up-to-date generated files with --check', async () => {
    const result = await runCli(['generate', '--check']);
    expect(result.stdout + result.stderr).toContain('generated files are up to date');
    expect(result.code).toBe(0);
  });

  it('skips a run whose specs and generator did not change, and still fails --check on an edited generated file', {
    timeout: 180_000,
  }, async () => {
    const root = await scratchCheckout();
    // The lint plugin imports yaml, which resolves from the copy's tools/codegen/node_modules.
    const modules = join(root, 'tools/codegen/node_modules');
    await symlink(fileURLToPath(new URL('../node_modules', import.meta.url)), modules, 'dir');
    try {
      // The first run scaffolds the handler modules (not recorded); the second is recorded.
      for (let run = 0; run < 2; run++) expect((await runCli(['generate', '--root', root])).code).toBe(0);
      const again = await runCli(['generate', '--check', '--root', root]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('unchanged since the last run');

      const edited = 'packages/types/src/enums.gen.ts';
      await writeFile(join(root, edited), `${await readFile(join(root, edited), 'utf8')}// edited by hand\n`);
      const check = await runCli(['generate', '--check', '--root', root]);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain(`  ${edited}\nTo fix: pnpm generate`);
    } finally {
      // The link goes first, on its own: the scratch's removal must never walk into it.
      await unlink(modules);
    }
  });
});
