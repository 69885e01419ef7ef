import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSpecs, formatDiagnostics } from './check-specs.js';
import { projectConfig } from './layout.js';

/** The CLI's one output channel. */
const out = {
  info: (line: string) => process.stdout.write(line + '\n'),
  error: (line: string) => process.stderr.write(line + '\n'),
};

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const usage = `usage: codegen <generate [--check] | check> [--root DIR]
  generate          check the specs, then regenerate every generated file
  generate --check  exit 1 when the generated files differ from what the specs produce
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
    return report(await checkSpecs({ root, files: specFiles, spectral: true, openapiGenerator: true }), started);
  }
  if (command !== 'generate') {
    out.error(usage);
    return 2;
  }
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
  if (flags.includes('--check')) {
    const drift = await findDrift(root, output);
    if (drift.length > 0) {
      out.error(`Generated files are out of date:\n${drift.map((p) => `  ${p}`).join('\n')}\nTo fix: pnpm generate`);
      return 1;
    }
    out.info(`generated files are up to date (${elapsed(started)})`);
    return 0;
  }
  const { writeOutput } = await import('./write-output.js');
  const written = await writeOutput(root, output);
  for (const path of written.written) out.info(`wrote      ${path}`);
  for (const path of written.removed) out.info(`removed    ${path}`);
  for (const path of written.scaffolded) out.info(`scaffolded ${path} (implement it and add it to handlers/index.ts)`);
  out.info(`${output.files.size} generated files, ${written.written.length} changed, in ${elapsed(started)}`);
  return 0;
}

function report(diagnostics: Awaited<ReturnType<typeof checkSpecs>>, started: number): number {
  if (diagnostics.length === 0) {
    out.info(`specs pass every check (${elapsed(started)})`);
    return 0;
  }
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
