import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
});
