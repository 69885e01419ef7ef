import type { Unit, Variable, VariableGroup } from '../config/variable.js';
import { code } from '../config/variable.js';
import { foreignVariables, variables } from '../config/variables.js';

/** The Markdown table of the variables of some groups, in the order of declaration. */
export function variablesTable(groups: readonly VariableGroup[]): string {
  const rows = Object.entries(variables)
    .filter(([, variable]) => groups.includes(variable.group))
    .map(([name, variable]) => `| ${code(name)} | ${defaultCell(variable)} | ${allowedCell(variable)} | ${cell(variable.description)} |`);
  return ['| variable | default | allowed | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** The sentence on the `MMTEL_*` variables other tools read, which the server lets pass. */
export function foreignVariablesNote(): string {
  const byReader = new Map<string, string[]>();
  for (const [name, reader] of Object.entries(foreignVariables)) byReader.set(reader, [...(byReader.get(reader) ?? []), code(name)]);
  const read = [...byReader].map(([reader, names]) => `${names.join(', ')} (${reader})`);
  return `Any other \`MMTEL_*\` variable stops the start, naming the variable it most likely meant. These are read by this repository's tools, and the server ignores them: ${read.join('; ')}.`;
}

function defaultCell(variable: Variable): string {
  const declared = variable.default;
  if (declared === undefined) return 'unset';
  if ('text' in declared) return cell(declared.text);
  const { value } = declared;
  if (Array.isArray(value)) return value.length === 0 ? 'none' : code(value.join(','));
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0 ? 'none' : code(JSON.stringify(value));
  const readable = typeof value === 'number' && variable.unit !== undefined ? inUnits(value, variable.unit) : undefined;
  return readable === undefined ? code(value) : `${code(value)} (${readable})`;
}

function allowedCell(variable: Variable): string {
  return cell(
    variable.unit === undefined || variable.schema.type !== 'integer' ? variable.allowed : `${variable.allowed} ${variable.unit}`,
  );
}

/** A value in the largest unit that divides it (90000 ms → 90 s), or undefined when that adds nothing. */
export function inUnits(value: number, unit: Unit): string | undefined {
  if (value === 0) return undefined;
  const steps: ReadonlyArray<[number, string]> =
    unit === 'bytes'
      ? [
          [1024 * 1024 * 1024, 'GiB'],
          [1024 * 1024, 'MiB'],
          [1024, 'KiB'],
        ]
      : unit === 'ms'
        ? [
            [86_400_000, 'd'],
            [3_600_000, 'h'],
            [60_000, 'min'],
            [1_000, 's'],
          ]
        : [
            [86_400, 'd'],
            [3_600, 'h'],
            [60, 'min'],
          ];
  for (const [size, name] of steps) {
    if (value >= size && value % size === 0) return `${value / size} ${name}`;
  }
  return undefined;
}

/** Text fit for a table cell: a pipe would end the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
