/**
 * `openapi-generator validate --recommend` on each API root: the parser the Java and Python SDKs
 * are generated with (`pnpm generate:sdks`) judges the specs too. Its errors and warnings carry no
 * position; the ones that name a path operation or a component are pointed at it.
 */
import { relative } from 'node:path';
import { runGenerator } from '@mmtel/sdkgen';
import type { SpecDiagnostic } from './check-specs.js';
import { positionOf, YamlCache } from './spec-positions.js';

export async function runOpenApiGenerator(root: string, files: string[]): Promise<SpecDiagnostic[]> {
  const cache = new YamlCache();
  const results = await Promise.all(
    files.map(async (file) => {
      const run = await runGenerator(['validate', '--recommend', '-i', file], { allowFailure: true }).catch((error: Error) => ({
        code: -1,
        output: error.message,
      }));
      const problems = parseValidateOutput(run.output);
      if (run.code !== 0 && problems.length === 0) {
        problems.push({
          severity: 'error',
          message: `openapi-generator validate exited with ${run.code}: ${run.output.trim().split('\n').slice(-3).join(' | ')}`,
        });
      }
      return problems.map(
        (problem): SpecDiagnostic => ({
          tool: 'openapi-generator',
          rule: 'validate',
          ...problem,
          file: relative(root, file).split('\\').join('/'),
          ...positionOf(cache, file, pathNamedBy(problem.message)),
        }),
      );
    }),
  );
  return results.flat();
}

/**
 * The items under `Errors:` and `Warnings:` of `openapi-generator validate`: each starts with
 * "- " after a tab; a long one wraps onto lines indented with a tab and two spaces.
 */
export function parseValidateOutput(output: string): { severity: SpecDiagnostic['severity']; message: string }[] {
  const problems: { severity: SpecDiagnostic['severity']; message: string }[] = [];
  let section: SpecDiagnostic['severity'] | undefined;
  for (const line of output.split('\n')) {
    // The headings may follow "Validating spec (…)" on the same line (stdout and stderr interleave).
    if (/\bErrors:\s*$/.test(line)) section = 'error';
    else if (/\bWarnings:\s*$/.test(line)) section = 'warning';
    else if (section && /^\t- /.test(line)) problems.push({ severity: section, message: line.slice(3).trim() });
    else if (section && /^\t {2}/.test(line) && problems.length > 0) problems[problems.length - 1]!.message += ` ${line.trim()}`;
    else if (!/^\s*$/.test(line)) section = undefined;
  }
  return problems;
}

/** The YAML path a message names: `paths.'/x'(get)…` or `Unused model: X`; else the document. */
function pathNamedBy(message: string): string[] {
  const operation = /paths\.'([^']+)'\((\w+)\)/.exec(message);
  if (operation) return ['paths', operation[1]!, operation[2]!.toLowerCase()];
  const model = /Unused model: (\S+)/.exec(message);
  if (model) return ['components', 'schemas', model[1]!];
  return [];
}
