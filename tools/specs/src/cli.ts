/**
 * The spec tools:
 *
 *   pnpm specs:diff [--base <ref>] [--json]  breaking changes per consumer since the recorded release
 *                                            (or a git ref), and the version gate; exits 1 when it fails
 *   pnpm specs:release [--note <text>]       records the release: specs/released/ (bundles, versions)
 *   pnpm specs:provenance [--upstream <dir>] checks specs/ against specs/provenance.yaml, and with
 *                                            official files, where ours differ from them
 *   pnpm specs:import <dir> [options]        official 3GPP files in, everything regenerated, a report out
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { diffContract, formatDiff } from './diff-command.js';
import { checkProvenance } from './provenance-check.js';
import { compareWithUpstream } from './upstream-comparison.js';
import { RELEASED_DIR, recordRelease } from './release-record.js';
import { REPO_ROOT } from './repo-paths.js';
import { formatImport, importSpecs } from './spec-import.js';

const out = {
  info: (line: string) => process.stdout.write(`${line}\n`),
  error: (line: string) => process.stderr.write(`${line}\n`),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      base: { type: 'string' },
      json: { type: 'boolean', default: false },
      note: { type: 'string' },
      upstream: { type: 'string' },
      root: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'no-sdks': { type: 'boolean', default: false },
      'no-typecheck': { type: 'boolean', default: false },
      tests: { type: 'string' },
    },
  });
  const root = values.root ?? REPO_ROOT;
  const log = (line: string) => out.error(line);

  if (command === 'diff') {
    const report = await diffContract(root, { ...(values.base ? { base: values.base } : {}), log });
    if (values.json) out.info(JSON.stringify(report, null, 2));
    else for (const line of formatDiff(report)) out.info(line);
    return report.failures.length === 0 ? 0 : 1;
  }
  if (command === 'release') {
    // The first record has nothing to compare with: it is the baseline.
    const report = existsSync(join(root, RELEASED_DIR, 'release.yaml'))
      ? await diffContract(root, { log })
      : { base: 'nothing', changes: [], failures: [] };
    if (report.failures.length > 0) {
      for (const line of formatDiff(report)) out.error(line);
      out.error(
        'Not recorded: bump the versions the gate names first (packages/*/package.json, VERSION in tools/sdkgen/src/sdk-targets.ts, then pnpm generate:sdks).',
      );
      return 1;
    }
    recordRelease(root, values.note ?? `recorded ${new Date().toISOString().slice(0, 10)}`);
    out.info('recorded specs/released/ (bundles and versions): commit it with the release');
    return 0;
  }
  if (command === 'provenance') {
    const problems = checkProvenance(root);
    for (const problem of problems) out.error(`${problem.file}${problem.component ? ` ${problem.component}` : ''}: ${problem.message}`);
    if (problems.length === 0) out.info('every spec file, data type and response is as specs/provenance.yaml says');
    if (values.upstream !== undefined) for (const line of compareWithUpstream(root, values.upstream)) out.info(line);
    return problems.length === 0 ? 0 : 1;
  }
  if (command === 'import') {
    const folder = positionals[0];
    if (folder === undefined) {
      out.error(
        'usage: pnpm specs:import <folder of official 3GPP YAML files> [--dry-run] [--no-sdks] [--no-typecheck] [--tests <project,…>|none]',
      );
      return 2;
    }
    const report = await importSpecs(root, folder, {
      dryRun: values['dry-run'],
      sdks: !values['no-sdks'],
      typecheck: !values['no-typecheck'],
      ...(values.tests !== undefined ? { tests: values.tests === 'none' ? [] : values.tests.split(',') } : {}),
      log,
    });
    for (const line of formatImport(report)) out.info(line);
    return report.ok ? 0 : 1;
  }
  out.error(
    'usage: specs <diff [--base <ref>] [--json] | release [--note <text>] | provenance [--upstream <dir>] | import <dir> [options]>',
  );
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    out.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
