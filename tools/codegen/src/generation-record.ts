/**
 * The record of the last successful `pnpm generate`: a hash of everything the run read, and a
 * hash of every file it generated. When the inputs hash the same and every generated file on
 * disk still hashes as recorded, the run would check the same specs with the same tools and
 * produce the same bytes (the generator is deterministic), so it is not done again.
 *
 * What the inputs are: every file in the directories of the API roots (recursively, but the
 * generated bundles) and every file their $refs reach, redocly.yaml and the plugins it names, the code generator's own files (src, lint, package.json), the lockfile (the
 * versions of Redocly, swagger-parser, openapi-typescript, TypeScript), the Node version, and
 * the names of the hand-written handler modules (a missing one is scaffolded). A fresh checkout
 * has no record and runs everything; `--no-record` ignores the record.
 *
 * The record lives in the generator's cache directory (cache-dir.ts), one per checkout root.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from './yaml.js';
import { codegenCacheDir } from './cache-dir.js';
import type { GeneratorOutput } from './generate.js';
import type { GeneratorConfig } from './layout.js';

const CODEGEN_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = resolve(CODEGEN_DIR, '../..');
const GENERATED_FILE = /\.gen\.ts$|\.bundled\.yaml$/;

/** What a successful run leaves behind: its inputs' hash and the hash of each generated file. */
interface GenerationRecord {
  inputs: string;
  files: Record<string, string>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file under `dir` (repo-relative to `base`), sorted; none when `dir` does not exist. */
async function filesUnder(dir: string, skip: (path: string) => boolean = () => false): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !skip(path))
    .sort();
}

// A `$ref` value in YAML or JSON, quoted or not; the fragment is dropped below.
const REF = /["']?\$ref["']?\s*:\s*["']?([^"'\s,}]+)/g;

/** The API roots and every local file their `$ref`s reach, transitively. */
async function referencedFiles(roots: string[]): Promise<string[]> {
  const seen = new Set<string>();
  const queue = roots.filter((path) => existsSync(path));
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, ref = ''] of (await readFile(file, 'utf8')).matchAll(REF)) {
      const target = ref.split('#')[0] ?? '';
      if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const path = resolve(dirname(file), decodeURI(target));
      if (existsSync(path) && !seen.has(path)) queue.push(path);
    }
  }
  return [...seen];
}

/** The redocly.yaml of `root` and the local files it loads (plugins, extended configs). */
async function lintConfigFiles(root: string): Promise<string[]> {
  const config = join(root, 'redocly.yaml');
  if (!existsSync(config)) return [];
  const parsed = parse(await readFile(config, 'utf8')) as { plugins?: unknown; extends?: unknown } | null;
  const named = [parsed?.plugins, parsed?.extends].flatMap((list): unknown[] => (Array.isArray(list) ? list : []));
  const local = named.filter((entry): entry is string => typeof entry === 'string').map((entry) => resolve(root, entry));
  return [config, ...local.filter((path) => existsSync(path))];
}

/** The hash of everything a generator run on `config` reads (see the module comment). */
export async function hashInputs(config: GeneratorConfig): Promise<string> {
  const { root, out } = config;
  const bundled = resolve(root, out.bundled);
  const roots = config.apis.map((api) => resolve(root, api.spec));
  const specDirs = [...new Set(roots.map((path) => dirname(path)))];
  const inSpecDirs = await Promise.all(specDirs.map((dir) => filesUnder(dir, (path) => path.startsWith(bundled + '/'))));
  const files = [
    ...inSpecDirs.flat(),
    ...(await referencedFiles(roots)),
    ...(await lintConfigFiles(root)),
    ...(await filesUnder(join(CODEGEN_DIR, 'src'))),
    ...(await filesUnder(join(CODEGEN_DIR, 'lint'))),
    join(CODEGEN_DIR, 'package.json'),
    join(REPO_ROOT, 'pnpm-lock.yaml'),
  ];
  const hash = createHash('sha256').update(`node ${process.version}\n`);
  hash.update(`config ${JSON.stringify({ apis: config.apis, out: { ...out, typesModule: out.typesModule('<api>') } })}\n`);
  for (const file of [...new Set(files)]) {
    hash.update(`file ${relative(root, file)} ${existsSync(file) ? sha256(await readFile(file)) : 'missing'}\n`);
  }
  if (out.handlers) for (const handler of await filesUnder(join(root, out.handlers))) hash.update(`handler ${relative(root, handler)}\n`);
  return hash.digest('hex');
}

function recordPath(root: string): string {
  return join(codegenCacheDir(), `${sha256(resolve(root)).slice(0, 16)}.json`);
}

/**
 * True when the last successful run had these inputs and its generated files are on disk as it
 * left them, with no other generated file beside them (which a run would remove).
 */
export async function unchangedSinceRecord(root: string, inputs: string): Promise<boolean> {
  let record: GenerationRecord;
  try {
    record = JSON.parse(await readFile(recordPath(root), 'utf8')) as GenerationRecord;
  } catch {
    return false;
  }
  if (record.inputs !== inputs) return false;
  const dirs = new Set<string>();
  for (const [path, hash] of Object.entries(record.files)) {
    dirs.add(dirname(path));
    const onDisk = await readFile(join(root, path)).catch(() => null);
    if (onDisk === null || sha256(onDisk) !== hash) return false;
  }
  for (const dir of dirs) {
    const entries = await readdir(join(root, dir)).catch(() => []);
    if (entries.some((entry) => GENERATED_FILE.test(entry) && !Object.hasOwn(record.files, `${dir}/${entry}`))) return false;
  }
  return true;
}

/**
 * Records a successful run: its inputs and the hash of each file it generated; not when the
 * inputs changed while it ran (its output may come from either version of a file).
 */
export async function recordIfUnchanged(config: GeneratorConfig, inputs: string, output: GeneratorOutput): Promise<void> {
  if ((await hashInputs(config)) !== inputs) return;
  const files: Record<string, string> = {};
  for (const [path, content] of output.files) files[path] = sha256(content);
  await mkdir(codegenCacheDir(), { recursive: true });
  // Written whole, then renamed: a run reading at the same time sees the old record or the new one.
  const path = recordPath(config.root);
  await writeFile(`${path}.${process.pid}`, `${JSON.stringify({ inputs, files } satisfies GenerationRecord)}\n`);
  await rename(`${path}.${process.pid}`, path);
}
