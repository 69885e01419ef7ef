/**
 * Independent checks of the hand-authored 3GPP-style specs:
 *   - redocly lint (CLI, `--format=json`) with /redocly.yaml: `recommended` adjusted to 3GPP plus
 *     the `3gpp` plugin (tools/codegen/lint/redocly-3gpp.js);
 *   - swagger-parser `validate` on each API root (what the 3GPP mirror CI runs; its OpenAPI schema
 *     compiled once for all roots, openapi-schema-check.ts); its errors carry
 *     no line, so they are mapped back to a file and line here (JSON path through the $refs, or the
 *     offending $ref itself);
 *   - optionally spectral (CLI, `--format json`) with tools/codegen/lint/spectral.yaml;
 *   - optionally `openapi-generator validate --recommend` (check-openapi-generator.ts), the parser
 *     the Java and Python SDKs are generated with.
 *
 * Policy: every returned diagnostic is a failure, warnings included (zero errors AND zero
 * warnings), for every tool. Spectral info/hint results are not returned.
 *
 * The code generator calls `checkSpecs({ root, files, spectral: false })` on every `pnpm generate`:
 * redocly runs in a child process while swagger-parser validates in this one.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateWithSwaggerParser } from './openapi-schema-check.js';
import { positionOf, YamlCache } from './spec-positions.js';

export type SpecTool = 'redocly' | 'swagger-parser' | 'spectral' | 'openapi-generator';

export interface SpecDiagnostic {
  tool: SpecTool;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  /** Repo-relative (relative to `root`), POSIX separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface CheckSpecsOptions {
  /** Repository root: holds redocly.yaml; file paths in diagnostics are relative to it. */
  root: string;
  /** The API roots to check (relative to `root`, or absolute). */
  files: string[];
  /** Also run spectral (slower, ~2 s); off for `pnpm generate`. */
  spectral?: boolean;
  /**
   * Also run `openapi-generator validate` (a JVM per API root, ~2 s; needs a JDK, the jar comes
   * from Maven Central once); off for `pnpm generate`, which must not need a JVM.
   */
  openapiGenerator?: boolean;
}

const CODEGEN_DIR = fileURLToPath(new URL('..', import.meta.url));
const BIN_DIR = resolve(CODEGEN_DIR, 'node_modules', '.bin');
const SPECTRAL_RULESET = resolve(CODEGEN_DIR, 'lint', 'spectral.yaml');

export async function checkSpecs(options: CheckSpecsOptions): Promise<SpecDiagnostic[]> {
  const root = resolve(options.root);
  const files = options.files.map((f) => (isAbsolute(f) ? f : resolve(root, f)));
  const present = files.filter((f) => existsSync(f));
  const diagnostics: SpecDiagnostic[] = files
    .filter((f) => !existsSync(f))
    .map((f) => ({
      tool: 'swagger-parser',
      rule: 'file-not-found',
      severity: 'error',
      message: `API root ${toRepoPath(root, f)} does not exist.`,
      file: toRepoPath(root, f),
      line: 1,
      column: 1,
    }));
  if (present.length === 0) return diagnostics;

  const runs: Promise<SpecDiagnostic[]>[] = [runRedocly(root, present), ...present.map((f) => runSwaggerParser(root, f))];
  if (options.spectral) runs.push(runSpectral(root, present));
  if (options.openapiGenerator) {
    runs.push(import('./check-openapi-generator.js').then(({ runOpenApiGenerator }) => runOpenApiGenerator(root, present)));
  }
  for (const result of await Promise.all(runs)) diagnostics.push(...result);
  return sortAndDedupe(diagnostics);
}

/** `file:line:column  severity  tool/rule  message`, one diagnostic per line. */
export function formatDiagnostics(diagnostics: SpecDiagnostic[]): string {
  return diagnostics
    .map((d) => `${d.file}:${d.line}:${d.column}  ${d.severity}  ${d.tool}/${d.rule}  ${d.message.replace(/\s*\n\s*/g, ' ')}`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// redocly
// ---------------------------------------------------------------------------------------------

interface RedoclyProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location?: {
    source?: { ref?: string };
    pointer?: string;
    start?: { line: number; col: number };
  }[];
}

async function runRedocly(root: string, files: string[]): Promise<SpecDiagnostic[]> {
  const args = [
    'lint',
    `--config=${resolve(root, 'redocly.yaml')}`,
    '--format=json',
    '--max-problems=10000',
    '--lint-config=error',
    ...files.map((f) => relative(root, f)),
  ];
  const run = await exec(resolve(BIN_DIR, 'redocly'), args, root, {
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
    NO_COLOR: '1',
  });
  // One JSON report per API, printed back to back (`}{`).
  let problems: RedoclyProblem[];
  try {
    problems = splitJsonStream(run.stdout).flatMap((text) => (JSON.parse(text) as { problems?: RedoclyProblem[] }).problems ?? []);
  } catch {
    problems = [];
  }
  const failures =
    (problems.length === 0 && run.code !== 0) || /Failed to parse/.test(run.stderr)
      ? [toolFailure('redocly', root, files[0] ?? root, run)]
      : [];
  // A misspelt rule id in redocly.yaml silently disables a check: redocly only warns on stderr.
  const unused = /Unused rules found in (\S+?): (.+?)\.?\n/.exec(run.stderr);
  if (unused) {
    failures.push({
      tool: 'redocly',
      rule: 'config',
      severity: 'error',
      message: `Unknown or unused rules in the redocly config: ${unused[2]}.`,
      file: toRepoPath(root, resolve(root, unused[1] ?? 'redocly.yaml')),
      line: 1,
      column: 1,
    });
  }
  return [
    ...failures,
    ...problems.map((p) => {
      const loc = p.location?.[0];
      const file = loc?.source?.ref ? resolve(root, loc.source.ref) : (files[0] ?? root);
      let line = loc?.start?.line ?? 1;
      let column = loc?.start?.col ?? 1;
      // The plugin can only point at a YAML node; it puts the exact character position in the text.
      const exact = /at line (\d+), column (\d+)/.exec(p.message);
      if (p.ruleId === '3gpp/no-tab-or-nbsp' && exact) {
        line = Number(exact[1]);
        column = Number(exact[2]);
      }
      return {
        tool: 'redocly',
        rule: p.ruleId,
        severity: p.severity === 'error' ? 'error' : 'warning',
        message: p.message,
        file: toRepoPath(root, file),
        line,
        column,
      } satisfies SpecDiagnostic;
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// swagger-parser
// ---------------------------------------------------------------------------------------------

interface AjvError {
  instancePath: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

async function runSwaggerParser(root: string, file: string): Promise<SpecDiagnostic[]> {
  try {
    await validateWithSwaggerParser(file);
    return [];
  } catch (error) {
    return swaggerParserDiagnostics(root, file, error, new YamlCache());
  }
}

function swaggerParserDiagnostics(root: string, file: string, error: unknown, cache: YamlCache): SpecDiagnostic[] {
  const err = error as Error & { details?: AjvError[]; code?: string; source?: string };
  const make = (rule: string, message: string, at: Located): SpecDiagnostic => ({
    tool: 'swagger-parser',
    rule,
    severity: 'error',
    message,
    file: toRepoPath(root, at.file),
    line: at.line,
    column: at.column,
  });

  // OpenAPI schema violations: ajv errors on the dereferenced document, mapped back to the source
  // (one diagnostic per source location and message, however many paths reach it).
  if (Array.isArray(err.details)) {
    const seen = new Set<string>();
    const out: SpecDiagnostic[] = [];
    for (const d of relevantAjvErrors(err.details)) {
      const segments = d.instancePath.split('/').slice(1).map(unescapePointer);
      const unexpected = d.params?.additionalProperty;
      // Point at the unexpected key itself, not at the object that holds it.
      if (typeof unexpected === 'string') segments.push(unexpected);
      const at = locateDereferenced(cache, file, segments);
      const extra = typeof unexpected === 'string' ? ` ("${unexpected}")` : '';
      const text = `${d.message ?? 'is invalid'}${extra}`;
      const key = `${at.file}:${at.line}:${at.column}:${text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(make('schema', `${text} (at ${d.instancePath || '/'})`, at));
    }
    return out;
  }

  // Unresolvable $refs: find the offending $ref(s) in the spec set.
  if (err.code === 'EMISSINGPOINTER' || err.code === 'ERESOLVER' || err.code === 'EINVALIDPOINTER' || err.name === 'JSONParserErrorGroup') {
    const broken = findBrokenRefs(cache, file);
    if (broken.length > 0) {
      return broken.map((b) => make('unresolved-ref', `Cannot resolve $ref "${b.ref}": ${b.reason}.`, b.at));
    }
  }

  // YAML syntax errors: the message carries the position.
  const source = typeof err.source === 'string' && existsSync(err.source) ? err.source : file;
  const pos = /line (\d+),? column (\d+)/i.exec(err.message) ?? /\((\d+):(\d+)\)/.exec(err.message);
  const at: Located = pos ? { file: source, line: Number(pos[1]), column: Number(pos[2]) } : { file: source, line: 1, column: 1 };
  return [make(err.code === 'EPARSER' ? 'parse' : 'validate', firstLine(err.message), at)];
}

/**
 * Drop ajv's oneOf noise: the OpenAPI schema says "X or a Reference", so a bad X also yields
 * "must have required property '$ref'" and "must match exactly one schema in oneOf", at that node
 * and at every ancestor that is itself a oneOf. Keep the deepest, specific errors.
 */
function relevantAjvErrors(errors: AjvError[]): AjvError[] {
  const isNoise = (e: AjvError): boolean =>
    e.keyword === 'oneOf' || e.keyword === 'anyOf' || (e.keyword === 'required' && e.params?.missingProperty === '$ref');
  const specific = errors.filter((e) => !isNoise(e));
  if (specific.length === 0) return errors;
  return specific.filter((e) => !specific.some((o) => o !== e && o.instancePath.startsWith(`${e.instancePath}/`)));
}

interface Located {
  file: string;
  line: number;
  column: number;
}

/**
 * Map a JSON path in the dereferenced document to the file and line it came from: walk the raw
 * YAML from the API root and jump through every $ref on the way.
 */
function locateDereferenced(cache: YamlCache, rootFile: string, segments: string[]): Located {
  let file = rootFile;
  let path: string[] = [];
  let node: unknown = cache.get(file)?.value;
  const follow = (): void => {
    for (let hops = 0; hops < 64 && isRecord(node) && typeof node.$ref === 'string'; hops++) {
      const target = resolveRef(file, node.$ref);
      const loaded = target && cache.get(target.file);
      if (!target || !loaded) return;
      const found = getAtPointer(cache, target.file, target.pointer);
      if (!found) return;
      file = found.file;
      path = found.path;
      node = found.node;
    }
  };
  for (const segment of segments) {
    follow();
    if (Array.isArray(node) && /^\d+$/.test(segment) && Number(segment) < node.length) {
      node = node[Number(segment)];
    } else if (isRecord(node) && Object.hasOwn(node, segment)) {
      node = node[segment];
    } else {
      break;
    }
    path = [...path, segment];
  }
  follow();
  return { file, ...positionOf(cache, file, path) };
}

/** Every $ref reachable from `rootFile` whose file or pointer does not exist. */
function findBrokenRefs(cache: YamlCache, rootFile: string): { ref: string; reason: string; at: Located }[] {
  const broken: { ref: string; reason: string; at: Located }[] = [];
  const seenFiles = new Set<string>();
  const queue = [rootFile];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seenFiles.has(file)) continue;
    seenFiles.add(file);
    const loaded = cache.get(file);
    if (!loaded) continue;
    walkRefs(loaded.value, [], (ref, path) => {
      const target = resolveRef(file, ref);
      if (!target) return; // remote: not checked here
      let reason: string;
      if (!existsSync(target.file)) {
        reason = `file ${relative(dirname(file), target.file)} not found`;
      } else if (!cache.get(target.file)) {
        reason = `file ${relative(dirname(file), target.file)} is not valid YAML`;
      } else {
        queue.push(target.file);
        if (getAtPointer(cache, target.file, target.pointer)) return;
        reason = `no "${target.pointer}" in ${relative(dirname(file), target.file)}`;
      }
      broken.push({ ref, reason, at: { file, ...positionOf(cache, file, [...path, '$ref']) } });
    });
  }
  return broken;
}

function walkRefs(node: unknown, path: string[], visit: (ref: string, path: string[]) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walkRefs(item, [...path, String(i)], visit));
  } else if (isRecord(node)) {
    if (typeof node.$ref === 'string') visit(node.$ref, path);
    for (const [k, v] of Object.entries(node)) if (k !== '$ref') walkRefs(v, [...path, k], visit);
  }
}

// ---------------------------------------------------------------------------------------------
// spectral
// ---------------------------------------------------------------------------------------------

interface SpectralResult {
  code: string | number;
  message: string;
  severity: number;
  source?: string;
  range?: { start: { line: number; character: number } };
}

async function runSpectral(root: string, files: string[]): Promise<SpecDiagnostic[]> {
  const run = await exec(
    resolve(BIN_DIR, 'spectral'),
    ['lint', '--ruleset', SPECTRAL_RULESET, '--format', 'json', '--quiet', ...files],
    root,
    { NO_COLOR: '1' },
  );
  let results: SpectralResult[];
  try {
    results = JSON.parse(run.stdout.trim() === '' ? '[]' : run.stdout) as SpectralResult[];
  } catch {
    return [toolFailure('spectral', root, files[0] ?? root, run)];
  }
  const out: SpecDiagnostic[] = [];
  for (const r of results) {
    if (r.severity !== 0 && r.severity !== 1) continue; // info and hint: not reported
    out.push({
      tool: 'spectral',
      rule: String(r.code),
      severity: r.severity === 0 ? 'error' : 'warning',
      message: r.message,
      file: toRepoPath(root, r.source ? resolve(root, r.source) : (files[0] ?? root)),
      line: (r.range?.start.line ?? 0) + 1,
      column: (r.range?.start.character ?? 0) + 1,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function exec(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<ExecResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolvePromise({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

function toolFailure(tool: SpecTool, root: string, file: string, run: ExecResult): SpecDiagnostic {
  const all = `${run.stderr}\n${run.stdout}`;
  const text = all
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/[║╔╚═]/.test(l));
  // A YAML syntax error names the file and position: `... in "/abs/file.yaml" (2:6)`.
  const pos = /in "([^"]+)" \((\d+):(\d+)\)/.exec(all);
  return {
    tool,
    rule: pos ? 'parse' : 'tool-failure',
    severity: 'error',
    message: `${tool} exited with ${String(run.code)}: ${text.slice(-5).join(' | ')}`,
    file: toRepoPath(root, pos?.[1] ?? file),
    line: pos ? Number(pos[2]) : 1,
    column: pos ? Number(pos[3]) : 1,
  };
}

/** Split concatenated JSON documents (`{...}{...}`) at the top level. */
function splitJsonStream(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0 && start !== -1) {
        out.push(text.slice(start, i + 1));
        start = -1;
      }
    }
  }
  return out;
}

function toRepoPath(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function unescapePointer(segment: string): string {
  const s = segment.replaceAll('~1', '/').replaceAll('~0', '~');
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function resolveRef(file: string, ref: string): { file: string; pointer: string } | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return undefined; // remote refs: not followed
  const hash = ref.indexOf('#');
  const uri = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : ref.slice(hash + 1);
  return { file: uri === '' ? file : resolve(dirname(file), decodeURI(uri)), pointer };
}

/** Resolve a JSON pointer in a file, following $refs met on the way (as the ref parsers do). */
function getAtPointer(cache: YamlCache, startFile: string, pointer: string): { file: string; path: string[]; node: unknown } | undefined {
  let file = startFile;
  let node: unknown = cache.get(file)?.value;
  let path: string[] = [];
  const segments = pointer === '' || pointer === '/' ? [] : pointer.replace(/^\//, '').split('/').map(unescapePointer);
  for (const segment of segments) {
    for (let hops = 0; hops < 64 && isRecord(node) && typeof node.$ref === 'string'; hops++) {
      const target = resolveRef(file, node.$ref);
      if (!target || !cache.get(target.file)) return undefined;
      const found = getAtPointer(cache, target.file, target.pointer);
      if (!found) return undefined;
      ({ file, path, node } = found);
    }
    if (Array.isArray(node) && /^\d+$/.test(segment) && Number(segment) < node.length) {
      node = node[Number(segment)];
    } else if (isRecord(node) && Object.hasOwn(node, segment)) {
      node = node[segment];
    } else {
      return undefined;
    }
    path = [...path, segment];
  }
  return { file, path, node };
}

function sortAndDedupe(diagnostics: SpecDiagnostic[]): SpecDiagnostic[] {
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = `${d.tool}\0${d.rule}\0${d.file}\0${d.line}\0${d.column}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.tool.localeCompare(b.tool));
}
