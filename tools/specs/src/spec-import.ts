import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { runCommand } from '@mmtel/toolchain';
import { pointerTokens, setValueAt, valueAt } from './json-pointer.js';
import { COMPONENT_SECTIONS, readManifest, type ComponentSection, type Departure, type FileProvenance } from './provenance-manifest.js';
import { MANIFEST_PATH } from './repo-paths.js';
import { differences, type Difference } from './schema-differences.js';
import { fingerprint, sameText } from './schema-fingerprint.js';
import { componentsOf, parseSpec, type SpecComponents } from './spec-files.js';

/** How to import. */
export interface ImportOptions {
  /** Report what would change; write nothing, run nothing. */
  dryRun?: boolean;
  /** Regenerate the Java and Python SDKs too (needs a JDK); default true. */
  sdks?: boolean;
  /** Type-check the workspace packages; default true. */
  typecheck?: boolean;
  /** Workspace directories to type-check (default: every one with a typecheck script). */
  typecheckDirs?: string[];
  /** vitest projects to run (default: all of them; [] runs none). */
  tests?: string[];
  log?: (line: string) => void;
}

/** How one data type or response changed with the import. */
export interface ComponentChange {
  file: string;
  /** `schemas/ImsSession`. */
  component: string;
  change: 'added' | 'removed' | 'changed';
  differences: Difference[];
}

/** What became of a departure of ours when upstream's text came in. */
export interface DepartureOutcome {
  file: string;
  component: string;
  at: string;
  /** re-applied: upstream still has what it departed from; dropped: upstream changed there, review it. */
  outcome: 're-applied' | 'dropped';
}

/** One step of the regeneration and what failed in it. */
export interface StepResult {
  step: string;
  ok: boolean;
  /** `file(line,col): error TS…` for the type-check, `project › file › test` for the tests, or the tool's output. */
  failures: string[];
}

/** What `pnpm specs:import` did and found. */
export interface ImportReport {
  imported: Array<{ file: string; how: 'replaced' | 'trimmed'; version: string }>;
  /** Official files in the folder that specs/ has no file of that name for. */
  ignored: string[];
  changes: ComponentChange[];
  departures: DepartureOutcome[];
  /** File-level departures of a replaced file, which the official file makes moot: review them. */
  droppedFileDepartures: Array<{ file: string; what: string }>;
  /** Files the imported specs reference that specs/ lacks. */
  missingFiles: string[];
  steps: StepResult[];
  ok: boolean;
}

/**
 * Takes official 3GPP YAML files from `folder` (named as in specs/), replaces ours, regenerates
 * everything and reports per component what changed and what no longer compiles or passes.
 *
 * A file specs/provenance.yaml lists as trimmed keeps our subset: its components are taken from
 * the official file (with the local components they reference), our departures are re-applied
 * where upstream still has what they depart from, and the rest of the file is dropped. Any other
 * file (provisional, authored, copied) is replaced by the official one as it is. The manifest is
 * updated to match: versions, fingerprints, the departures that still apply.
 */
export async function importSpecs(root: string, folder: string, options: ImportOptions = {}): Promise<ImportReport> {
  const manifest = readManifest(root);
  const ours = new Set(readdirSync(join(root, 'specs')).filter((name) => name.endsWith('.yaml')));
  const official = readdirSync(folder)
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  const report: ImportReport = {
    imported: [],
    ignored: [],
    changes: [],
    departures: [],
    droppedFileDepartures: [],
    missingFiles: [],
    steps: [],
    ok: true,
  };
  const manifestDoc = parseDocument(readFileSync(join(root, MANIFEST_PATH), 'utf8'));
  const writes = new Map<string, string>();

  for (const file of official) {
    if (!ours.has(file) || file === 'provenance.yaml') {
      report.ignored.push(file);
      continue;
    }
    const entry = manifest.files.find((candidate) => candidate.file === file);
    const theirsText = readFileSync(join(folder, file), 'utf8');
    const before = componentsOf(parseSpec(readFileSync(join(root, 'specs', file), 'utf8'), `specs/${file}`));
    const imported =
      entry?.status === 'trimmed'
        ? trimmedCopy(theirsText, file, before, entry, report)
        : { text: theirsText, departures: new Map<string, Departure[]>() };
    const theirsSpec = parseSpec(imported.text, file);
    const after = componentsOf(theirsSpec);
    report.changes.push(...componentChanges(file, before, after));
    const version = officialVersion(theirsSpec) ?? entry?.version ?? 'unknown';
    report.imported.push({ file, how: entry?.status === 'trimmed' ? 'trimmed' : 'replaced', version });
    if (entry?.status !== 'trimmed')
      for (const departure of entry?.departures ?? []) report.droppedFileDepartures.push({ file, what: departure.what });
    writes.set(join('specs', file), imported.text);
    const theirsComponents = componentsOf(parseSpec(theirsText, file));
    manifestDoc.setIn(
      ['files', file],
      manifestDoc.createNode(manifestEntry(entry, file, theirsSpec, theirsComponents, after, imported.departures, version)),
    );
  }

  const present = new Set([...ours, ...official.filter((file) => ours.has(file))]);
  for (const text of writes.values()) {
    for (const match of text.matchAll(/\$ref:\s*['"]?([A-Za-z0-9_.-]+\.yaml)#/g)) {
      if (!present.has(match[1]!) && !report.missingFiles.includes(match[1]!)) report.missingFiles.push(match[1]!);
    }
  }
  if (options.dryRun) return report;

  for (const [path, text] of writes) writeFileSync(join(root, path), text);
  writeFileSync(join(root, MANIFEST_PATH), manifestDoc.toString({ lineWidth: 100 }));
  await regenerate(root, options, report);
  report.ok = report.steps.every((step) => step.ok) && report.missingFiles.length === 0;
  return report;
}

/** Our subset of an official file: the components we keep (and what they reference), our departures re-applied. */
function trimmedCopy(
  theirsText: string,
  file: string,
  before: SpecComponents,
  entry: FileProvenance,
  report: ImportReport,
): { text: string; departures: Map<string, Departure[]> } {
  const doc = parseDocument(theirsText);
  const theirs = doc.toJS() as Record<string, unknown>;
  // A data-only copy: no operations, servers or security of its own.
  for (const key of ['servers', 'security', 'tags', 'webhooks']) doc.delete(key);
  doc.set('paths', doc.createNode({}));
  const components = componentsOf(theirs);
  for (const section of Object.keys(theirs['components'] ?? {})) {
    if (!(COMPONENT_SECTIONS as readonly string[]).includes(section)) doc.deleteIn(['components', section]);
  }
  const applied = new Map<string, Departure[]>();
  const wanted = [
    ...new Set(
      COMPONENT_SECTIONS.flatMap((section) =>
        [...Object.keys(entry[section]), ...Object.keys(before[section])]
          .filter((name) => components[section][name] !== undefined)
          .map((name) => `${section}/${name}`),
      ),
    ),
  ];
  // Our departures first (on the parsed values, then on the document), so that what a removal
  // leaves out (ProblemDetails.nrfId's Fqdn) is not kept as referenced.
  const departed = structuredClone(components);
  for (const key of wanted) {
    const [section, name] = key.split('/') as [ComponentSection, string];
    for (const departure of entry[section][name]?.departures ?? []) {
      const upstreamNow = valueAt(components[section][name], departure.at);
      const stillThere = 'upstream' in departure ? sameText(upstreamNow, departure.upstream) : upstreamNow === undefined;
      report.departures.push({ file, component: key, at: departure.at, outcome: stillThere ? 're-applied' : 'dropped' });
      if (!stillThere) continue;
      setValueAt(departed[section][name] as Record<string, unknown>, departure.at, departure.ours);
      const path = ['components', section, name, ...pointerTokens(departure.at)];
      if ('ours' in departure) doc.setIn(path, doc.createNode(departure.ours));
      else doc.deleteIn(path);
      applied.set(key, [...(applied.get(key) ?? []), departure]);
    }
  }
  const keep = closure(departed, new Set(wanted));
  for (const section of COMPONENT_SECTIONS) {
    for (const name of Object.keys(components[section])) if (!keep.has(`${section}/${name}`)) doc.deleteIn(['components', section, name]);
  }
  doc.commentBefore = ` Trimmed copy of ${file}, imported by pnpm specs:import from the official file: only the\n components the TS 29.392 MMTel APIs use, each upstream's text except the departures listed\n (with their reasons) in specs/provenance.yaml.`;
  return { text: stringifyDocument(doc), departures: applied };
}

function stringifyDocument(doc: Document): string {
  return doc.toString({ lineWidth: 100 });
}

/** `names` (section/name) and every local component they reference, transitively, in any section. */
function closure(components: SpecComponents, names: Set<string>): Set<string> {
  const keep = new Set(names);
  const queue = [...names];
  while (queue.length > 0) {
    const [section, name] = queue.pop()!.split('/') as [ComponentSection, string];
    for (const ref of refs(components[section][name])) {
      const match = /^#\/components\/(schemas|responses)\/([^/]+)$/.exec(ref);
      const found = match ? `${match[1]}/${match[2]}` : undefined;
      if (found && !keep.has(found) && components[match![1] as ComponentSection][match![2]!] !== undefined) {
        keep.add(found);
        queue.push(found);
      }
    }
  }
  return keep;
}

function refs(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(refs);
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
    key === '$ref' && typeof item === 'string' ? [item] : refs(item),
  );
}

function componentChanges(file: string, before: SpecComponents, after: SpecComponents): ComponentChange[] {
  const changes: ComponentChange[] = [];
  for (const section of COMPONENT_SECTIONS) {
    for (const name of new Set([...Object.keys(before[section]), ...Object.keys(after[section])])) {
      const component = `${section}/${name}`;
      if (!(name in after[section])) changes.push({ file, component, change: 'removed', differences: [] });
      else if (!(name in before[section])) changes.push({ file, component, change: 'added', differences: [] });
      else {
        const found = differences(before[section][name], after[section][name]);
        if (found.length > 0) changes.push({ file, component, change: 'changed', differences: found });
      }
    }
  }
  return changes;
}

/** `V18.5.0` from the official file's externalDocs (`… V18.5.0 …` or `…, version 18.5.0`). */
function officialVersion(spec: Record<string, unknown>): string | undefined {
  const description = (spec['externalDocs'] as { description?: unknown } | undefined)?.description;
  const text = typeof description === 'string' ? description : '';
  const match = /\bV?(\d+\.\d+\.\d+)\b/.exec(text.replace(/version\s+/i, 'V'));
  return match ? `V${match[1]}` : undefined;
}

function manifestEntry(
  entry: FileProvenance | undefined,
  file: string,
  spec: Record<string, unknown>,
  theirs: SpecComponents,
  after: SpecComponents,
  applied: Map<string, Departure[]>,
  version: string,
): Record<string, unknown> {
  const trimmed = entry?.status === 'trimmed';
  const apiVersion = (spec['info'] as { version?: unknown } | undefined)?.version;
  const sections = Object.fromEntries(
    COMPONENT_SECTIONS.map((section) => [
      section,
      Object.fromEntries(
        Object.keys(after[section]).map((name) => {
          const departures = applied.get(`${section}/${name}`) ?? [];
          const status = departures.length === 0 ? 'copied' : departures.every((d) => !('ours' in d)) ? 'trimmed' : 'departure';
          return [name, { status, upstream: fingerprint(theirs[section][name]), ...(departures.length > 0 ? { departures } : {}) }];
        }),
      ),
    ]),
  );
  return {
    document: entry?.document ?? `3GPP TS ${file.slice(2, 4)}.${file.slice(4, 7)}`,
    version,
    ...(typeof apiVersion === 'string' ? { apiVersion } : {}),
    ...(entry?.source ? { source: entry.source } : {}),
    status: trimmed ? 'trimmed' : 'copied',
    ...(trimmed && entry?.note ? { note: entry.note } : { note: `Imported by pnpm specs:import from the official file.` }),
    ...Object.fromEntries(Object.entries(sections).filter(([, components]) => Object.keys(components).length > 0)),
    ...(trimmed && entry && entry.departures.length > 0 ? { departures: entry.departures } : {}),
  };
}

/** Regenerates everything from the imported specs, then type-checks and tests, recording what fails. */
async function regenerate(root: string, options: ImportOptions, report: ImportReport): Promise<void> {
  const tsx = join(root, 'node_modules/.bin/tsx');
  const step = async (name: string, command: string, args: string[], failures: (output: string) => string[]) => {
    options.log?.(`specs:import: ${name}`);
    const result = await runCommand(command, args, { cwd: root, allowFailure: true, timeoutMs: 1_800_000 }).catch((error: Error) => ({
      code: -1,
      output: error.message,
    }));
    const ok = result.code === 0;
    report.steps.push({ step: name, ok, failures: ok ? [] : failures(result.output) });
    return ok;
  };
  const lastLines = (output: string) => output.trim().split('\n').slice(-20);
  // As `pnpm generate` runs it: the generator built once per source version, on plain Node.
  if (!(await step('pnpm generate', process.execPath, ['tools/codegen/bin/codegen.js', 'generate'], lastLines))) return;
  if (options.sdks !== false) await step('pnpm generate:sdks', tsx, ['tools/sdkgen/src/cli.ts', 'generate'], lastLines);
  await step('pnpm docs:generate', tsx, ['packages/server/src/cli/docs.ts'], lastLines);
  if (options.typecheck !== false) {
    for (const dir of options.typecheckDirs ?? workspaceTypecheckDirs(root)) {
      await step(`type-check ${dir}`, join(root, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], (output) =>
        output
          .split('\n')
          .filter((line) => / error TS\d+:/.test(line))
          .map((line) => (line.startsWith(dir) ? line : join(dir, line.trim()))),
      );
    }
  }
  const projects = options.tests;
  if (projects === undefined || projects.length > 0) {
    const scratch = mkdtempSync(join(tmpdir(), 'mmtel-import-tests-'));
    const json = join(scratch, 'results.json');
    try {
      const args = [
        'run',
        ...(projects ?? []).flatMap((project) => ['--project', project]),
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${json}`,
      ];
      await step(`tests ${projects?.join(', ') ?? '(every project)'}`, join(root, 'node_modules/.bin/vitest'), args, (output) =>
        existsSync(json) ? failedTests(root, json) : lastLines(output),
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

/** Every workspace directory with a typecheck script. */
function workspaceTypecheckDirs(root: string): string[] {
  return ['packages', 'tools', 'examples'].flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group))
          .map((name) => `${group}/${name}`)
          .filter((dir) => {
            const pkg = join(root, dir, 'package.json');
            return (
              existsSync(pkg) &&
              existsSync(join(root, dir, 'tsconfig.json')) &&
              Boolean((JSON.parse(readFileSync(pkg, 'utf8')) as { scripts?: Record<string, string> }).scripts?.['typecheck'])
            );
          })
      : [],
  );
}

function failedTests(root: string, json: string): string[] {
  const results = JSON.parse(readFileSync(json, 'utf8')) as {
    testResults?: Array<{ name: string; status: string; message?: string; assertionResults?: Array<{ fullName: string; status: string }> }>;
  };
  return (results.testResults ?? []).flatMap((file) => {
    const failed = (file.assertionResults ?? [])
      .filter((test) => test.status === 'failed')
      .map((test) => `${relative(root, file.name)} › ${test.fullName}`);
    return failed.length > 0 || file.status !== 'failed' ? failed : [`${relative(root, file.name)}: ${file.message ?? 'failed to run'}`];
  });
}

/** The report as text lines. */
export function formatImport(report: ImportReport): string[] {
  const lines: string[] = [];
  for (const file of report.imported) lines.push(`imported specs/${file.file} (${file.how}, ${file.version})`);
  if (report.ignored.length > 0) lines.push(`not imported (no file of that name in specs/): ${report.ignored.join(', ')}`);
  if (report.changes.length === 0) lines.push('no data type or response changed');
  for (const change of report.changes) {
    lines.push(`${change.change.padEnd(8)} specs/${change.file} ${change.component}`);
    for (const d of change.differences)
      lines.push(
        `           ${d.at}: ${'before' in d ? JSON.stringify(d.before) : '(none)'} → ${'after' in d ? JSON.stringify(d.after) : '(none)'}`,
      );
  }
  for (const d of report.departures)
    lines.push(
      `departure ${d.outcome === 're-applied' ? 're-applied' : 'DROPPED (upstream changed there: review it)'}: specs/${d.file} ${d.component} ${d.at}`,
    );
  for (const d of report.droppedFileDepartures)
    lines.push(`departure of the replaced specs/${d.file} no longer applies (review it): ${d.what}`);
  for (const file of report.missingFiles)
    lines.push(`MISSING: the imported specs reference ${file}, which specs/ does not have: add it to the folder and import again`);
  for (const step of report.steps) {
    lines.push(`${step.ok ? 'ok    ' : 'FAILED'} ${step.step}`);
    for (const failure of step.failures) lines.push(`         ${failure}`);
  }
  lines.push(
    report.ok
      ? 'import done: review git diff (specs/, specs/provenance.yaml, the generated files)'
      : 'import done with failures (above): review them with git diff',
  );
  return lines;
}
