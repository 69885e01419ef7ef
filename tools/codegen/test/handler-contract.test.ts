import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { projectConfig } from '../src/layout.js';
import { writeOutput } from '../src/write-output.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
let scratch: string;

/** A throwaway checkout of the specs, the contract package and the server, sharing node_modules. */
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'codegen-contract-'));
  const copy = (path: string) => cp(join(repoRoot, path), join(scratch, path), { recursive: true, verbatimSymlinks: true });
  await Promise.all(
    [
      'specs',
      'tsconfig.base.json',
      'packages/types',
      'packages/server/src',
      'packages/server/package.json',
      'packages/server/node_modules',
    ].map(copy),
  );
  await symlink(join(repoRoot, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  await writeFile(
    join(scratch, 'packages/server/tsconfig.json'),
    JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src'] }),
  );
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Type-checks the scratch server; resolves with tsc's exit code and output. */
function typecheckServer(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '-p', join(scratch, 'packages/server/tsconfig.json')], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe('the server handler contract', () => {
  it('fails to compile when an operation is renamed in the spec and no handler has the new name', async () => {
    const spec = join(scratch, 'specs/TS29392_MMTel_CallControl.yaml');
    await writeFile(spec, (await readFile(spec, 'utf8')).replace('operationId: ReleaseImsSession', 'operationId: DeleteImsSession'));
    const report = await writeOutput(scratch, await generate(projectConfig(scratch)));
    expect(report.scaffolded).toEqual(['packages/server/src/handlers/DeleteImsSession.ts']);

    const result = await typecheckServer();

    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/handlers\/index\.ts.*DeleteImsSession/s);
  });
});
