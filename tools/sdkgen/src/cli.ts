/**
 * `pnpm generate:sdks [--check]`: the Java and Python SDKs, generated from the bundled specs by
 * the pinned openapi-generator. Apart from `pnpm generate` so that the everyday path needs no JVM;
 * it runs `pnpm generate` (or its check) first, since the SDKs are made from its bundles.
 */
import { repoRoot, runCommand } from '@mmtel/toolchain';
import { compareWithCheckout, stageSdks, writeToCheckout } from './generate-sdks.js';
import { generatorJar, generatorVersion } from './openapi-generator.js';
import { sdkTargets } from './sdk-targets.js';

const out = {
  info: (line: string) => process.stdout.write(`${line}\n`),
  error: (line: string) => process.stderr.write(`${line}\n`),
};

const usage = `usage: sdkgen generate [--check]
  generate          regenerate the TypeScript side (pnpm generate), then every SDK under sdks/
  generate --check  exit 1 when a generated SDK file differs from what the specs produce`;

async function main(argv: string[]): Promise<number> {
  const [command, ...flags] = argv;
  if (command !== 'generate' || flags.some((flag) => flag !== '--check')) {
    out.error(usage);
    return 2;
  }
  const check = flags.includes('--check');
  const started = performance.now();

  // The SDKs are generated from specs/bundled/: those must match the specs first.
  // As `pnpm generate` runs it: the generator built once per source version, on plain Node.
  const codegen = await runCommand(process.execPath, ['tools/codegen/bin/codegen.js', 'generate', ...(check ? ['--check'] : [])], {
    cwd: repoRoot,
    allowFailure: true,
  });
  if (codegen.code !== 0) {
    out.error(codegen.output.trimEnd());
    return codegen.code ?? 1;
  }
  if (!check) out.info(codegen.stdout.trimEnd().split('\n').at(-1) ?? '');

  await generatorJar(out.info);
  const staged = await stageSdks(repoRoot, sdkTargets);
  try {
    const drift = await compareWithCheckout(repoRoot, staged, sdkTargets);
    const stale = drift.flatMap((d) => [
      ...d.changed.map((p) => `  changed  ${p}`),
      ...d.added.map((p) => `  missing  ${p}`),
      ...d.removed.map((p) => `  extra    ${p}`),
    ]);
    const version = await generatorVersion();
    if (check) {
      if (stale.length > 0) {
        out.error(`Generated SDK files are out of date:\n${stale.join('\n')}\nTo fix: pnpm generate:sdks`);
        return 1;
      }
      out.info(`SDKs are up to date (openapi-generator ${version}, ${elapsed(started)})`);
      return 0;
    }
    await writeToCheckout(repoRoot, staged, sdkTargets);
    for (const line of stale) out.info(line);
    const dirs = sdkTargets.map((t) => t.outputDir).join(', ');
    out.info(
      `${sdkTargets.length} SDKs (${dirs}) from openapi-generator ${version}, ${stale.length} files changed, in ${elapsed(started)}`,
    );
    return 0;
  } finally {
    await staged.remove();
  }
}

function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    out.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
