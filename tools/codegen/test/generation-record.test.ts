import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { hashInputs, recordIfUnchanged, unchangedSinceRecord } from '../src/generation-record.js';
import { writeOutput } from '../src/write-output.js';
import { fixtureConfig } from './fixture-config.js';

// The record lets `pnpm generate` skip a run whose inputs and generated files are as the last
// successful run left them. Each test breaks one of those conditions on a scratch copy of the
// fixture and expects the run to be done again.

const fixtures = fileURLToPath(new URL('./fixtures', import.meta.url));
let root: string;

/**
 * Generates the fixture into `root` and records the run, as the CLI does; twice, since the first
 * run scaffolds the handler modules (which changes the inputs, and is not recorded).
 */
async function generateAndRecord(): Promise<string> {
  const config = fixtureConfig(root);
  for (let run = 0; run < 2; run++) {
    const inputs = await hashInputs(config);
    const output = await generate(config);
    await writeOutput(root, output);
    await recordIfUnchanged(config, inputs, output);
  }
  const inputs = await hashInputs(config);
  expect(await unchangedSinceRecord(root, inputs)).toBe(true);
  return inputs;
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'codegen-record-'));
  await cp(join(fixtures, 'api'), join(root, 'api'), { recursive: true });
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('the record of the last generation', () => {
  it('lets a run be skipped when its inputs and generated files are unchanged', async () => {
    const inputs = await generateAndRecord();
    expect(await unchangedSinceRecord(root, inputs)).toBe(true);
  });

  it('is not written for a run that scaffolded a handler module', async () => {
    const config = fixtureConfig(root);
    const inputs = await hashInputs(config);
    const output = await generate(config);
    expect((await writeOutput(root, output)).scaffolded).not.toEqual([]);
    await recordIfUnchanged(config, inputs, output);
    expect(await unchangedSinceRecord(root, await hashInputs(config))).toBe(false);
  });

  it('does not when a generated file was edited', async () => {
    const inputs = await generateAndRecord();
    const generated = join(root, 'out/types/enums.gen.ts');
    await writeFile(generated, `${await readFile(generated, 'utf8')}// edited\n`);
    expect(await unchangedSinceRecord(root, inputs)).toBe(false);
  });

  it('does not when a generated file is missing', async () => {
    const inputs = await generateAndRecord();
    await rm(join(root, 'out/types/enums.gen.ts'));
    expect(await unchangedSinceRecord(root, inputs)).toBe(false);
  });

  it('does not when a generated file the specs no longer produce lies beside the others', async () => {
    const inputs = await generateAndRecord();
    await writeFile(join(root, 'out/types/removed.gen.ts'), 'export {};\n');
    expect(await unchangedSinceRecord(root, inputs)).toBe(false);
  });

  it('hashes the inputs anew when a file a $ref reaches changes', async () => {
    const before = await generateAndRecord();
    const common = join(root, 'api/Fixture_Common.yaml');
    await writeFile(common, `${await readFile(common, 'utf8')}\n# edited\n`);
    const after = await hashInputs(fixtureConfig(root));
    expect(after).not.toBe(before);
    expect(await unchangedSinceRecord(root, after)).toBe(false);
  });

  it('hashes the inputs anew when a handler module is removed (it would be scaffolded)', async () => {
    const before = await generateAndRecord();
    const [handler] = await readdir(join(root, 'out/handlers'));
    expect(handler).toBeDefined();
    await rm(join(root, 'out/handlers', handler ?? ''));
    expect(await hashInputs(fixtureConfig(root))).not.toBe(before);
  });
});
