import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpecDiagnostic } from './check-specs.js';
import { projectConfig } from './layout.js';

/** The CLI's one output channel. */
const out = {
  info: (line: string) => process.stdout.write(line + '\n'),
  error: (line: string) => process.stderr.write(line + '\n'),
};

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const usage = `usage: codegen <generate [--check] [--no-record] | check> [--root DIR]
  generate          check the specs, then regenerate every generated file
  generate --check  exit 1 when the generated files differ from what the specs produce
  --no-record       check and generate even when nothing they read changed since the last run
  check             run every spec check (redocly, swagger-parser, spectral, openapi-generator)
  --root DIR        work on another checkout (default: this repository)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...flags] = argv;
  const rootFlag = flags.indexOf('--root');
  const root = rootFlag >= 0 && flags[rootFlag + 1] ? resolve(flags[rootFlag + 1]!) : repoRoot;
  const config = projectConfig(root);
  const specFiles = config.apis.map((a) => a.spec);
  const started = performance.now();

  if (command === 'check') {
    const { checkSpecs } = await import('./check-specs.js');
    return report(await checkSpecs({ root, files: specFiles, spectral: true, openapiGenerator: true }), started);
  }
  if (command !== 'generate') {
    out.error(usage);
    return 2;
  }
  const check = flags.includes('--check');
  // Modules load on demand: when nothing changed, this run reads files and hashes them, no more.
  const { hashInputs, recordIfUnchanged, unchangedSinceRecord } = await import('./generation-record.js');
  const inputs = await hashInputs(config);
  if (!flags.includes('--no-record') && (await unchangedSinceRecord(root, inputs))) {
    out.info(
      check
        ? `generated files are up to date (${elapsed(started)}; specs and generator unchanged since the last run)`
        : `generated files unchanged, in ${elapsed(started)} (specs and generator unchanged since the last run)`,
    );
    return 0;
  }
  const { checkSpecs } = await import('./check-specs.js');
  // Generation runs in memory while the checks run (redocly lints in a child process); nothing is
  // written unless the checks pass, and their diagnostics win over any error a broken spec causes.
  // The generator's modules (TypeScript, openapi-typescript) take a second to load: they load
  // while the checks' child process already runs.
  const checks = checkSpecs({ root, files: specFiles, spectral: false });
  const { findDrift, generate } = await import('./generate.js');
  const [diagnostics, generated] = await Promise.all([
    checks,
    generate(config).then(
      (output) => ({ output }),
      (error: unknown) => ({ error }),
    ),
  ]);
  if (diagnostics.length > 0) return report(diagnostics, started);
  if ('error' in generated) throw generated.error;
  const { output } = generated;
  if (check) {
    const drift = await findDrift(root, output);
    if (drift.length > 0) {
      out.error(`Generated files are out of date:\n${drift.map((p) => `  ${p}`).join('\n')}\nTo fix: pnpm generate`);
      return 1;
    }
    await recordIfUnchanged(config, inputs, output);
    out.info(`generated files are up to date (${elapsed(started)})`);
    return 0;
  }
  const { writeOutput } = await import('./write-output.js');
  const written = await writeOutput(root, output);
  // A scaffolded handler changes the inputs (the handler names): the next run hashes them anew.
  if (written.scaffolded.length === 0) await recordIfUnchanged(config, inputs, output);
  for (const path of written.written) out.info(`wrote      ${path}`);
  for (const path of written.removed) out.info(`removed    ${path}`);
  for (const path of written.scaffolded) out.info(`scaffolded ${path} (implement it and add it to handlers/index.ts)`);
  out.info(`${output.files.size} generated files, ${written.written.length} changed, in ${elapsed(started)}`);
  return 0;
}

async function report(diagnostics: SpecDiagnostic[], started: number): Promise<number> {
  if (diagnostics.length === 0) {
    out.info(`specs pass every check (${elapsed(started)})`);
    return 0;
  }
  const { formatDiagnostics } = await import('./check-specs.js');
  out.error(formatDiagnostics(diagnostics));
  out.error(`${diagnostics.length} spec problem(s); nothing was generated.`);
  return 1;
}

function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(2)} s`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    out.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
