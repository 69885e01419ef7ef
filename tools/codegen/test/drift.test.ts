import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDrift, generate, type GeneratorOutput } from '../src/generate.js';
import { projectConfig } from '../src/layout.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
let output: GeneratorOutput;
let scratch: string;

beforeAll(async () => {
  output = await generate(projectConfig(repoRoot));
  scratch = await mkdtemp(join(tmpdir(), 'codegen-drift-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('committed generated code', () => {
  it('is exactly what the specs produce (To fix: pnpm generate)', async () => {
    const drift = await findDrift(repoRoot, output);
    expect(drift, `Generated files are out of date:\n  ${drift.join('\n  ')}\nTo fix: pnpm generate`).toEqual([]);
  });

  it('reports a hand edit of a generated file as drift', async () => {
    const edited = 'packages/types/src/enums.gen.ts';
    for (const path of output.files.keys()) await cp(join(repoRoot, path), join(scratch, path), { recursive: true });
    const original = await readFile(join(scratch, edited), 'utf8');
    await writeFile(
      join(scratch, edited),
      original.replace('SESSION_TERMINATION: "SESSION_TERMINATION"', 'SESSION_TERMINATION: "SESSION_ENDED"'),
    );
    expect(await findDrift(scratch, output)).toEqual([edited]);
  });

  it('has no handler module missing for an operation of the specs', () => {
    expect([...output.scaffolds.keys()]).toEqual([]);
  });
});
