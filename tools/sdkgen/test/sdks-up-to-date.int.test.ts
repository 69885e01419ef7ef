import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findJavaToolchain, repoRoot } from '@mmtel/toolchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithCheckout, stageSdks, type StagedSdks } from '../src/generate-sdks.js';
import { sdkTargets } from '../src/sdk-targets.js';

// openapi-generator needs a JDK: CI has one (and must run this); elsewhere it is skipped without one.
const withJvm =
  process.env['CI'] !== undefined ||
  (await findJavaToolchain().then(
    () => true,
    () => false,
  ));

describe.skipIf(!withJvm)('the committed SDKs', () => {
  let staged: StagedSdks;
  beforeAll(async () => {
    staged = await stageSdks(repoRoot, sdkTargets);
  }, 300_000);
  afterAll(() => staged?.remove());

  it('are what pnpm generate:sdks makes of the bundled specs, byte for byte', async () => {
    const drift = await compareWithCheckout(repoRoot, staged, sdkTargets);
    const stale = drift.flatMap((d) => [...d.changed, ...d.added, ...d.removed]);
    expect(stale, `Generated SDK files are out of date. To fix: pnpm generate:sdks`).toEqual([]);
  });

  it.each(sdkTargets.map((t) => [t.name, t] as const))('%s leaves out what its ignore file excludes', (_, target) => {
    const unwanted =
      target.language === 'java'
        ? ['build.gradle', 'gradlew', 'git_push.sh', '.travis.yml', 'src/test', 'api/openapi.yaml', 'src/main/AndroidManifest.xml']
        : ['setup.py', 'tox.ini', 'git_push.sh', '.travis.yml', 'test'];
    const present = unwanted.filter((path) => existsSync(join(staged.dir, target.outputDir, path)));
    expect(present).toEqual([]);
  });
});
