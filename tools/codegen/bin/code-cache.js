// @ts-check
/**
 * A V8 code cache for the CommonJS modules a process requires, kept in one file.
 *
 * Node 20 compiles every required module from source at every start (`module.enableCompileCache`
 * came with Node 22.1), and the generator's dependencies are big: typescript.js alone is 9 MB.
 * This hook compiles each module as Node does (the same wrapper, `require`, `module`, `exports`,
 * `__filename`, `__dirname`), but through `vm.Script` with the cached data of the last run; at
 * exit, the modules compiled without usable cached data are serialized with the functions they
 * compiled while the process ran, so that the next run skips their parsing and lazy compilation.
 *
 * An entry is used only for the source it was made from (sha256 of the text): V8 itself checks
 * only the length, and would run stale code for an edit of the same length. V8 rejects data of
 * another V8 version or set of flags; such a module is compiled from source and its entry renewed.
 * The file is replaced whole (written, then renamed), so a concurrent run reads the old file or
 * the new one. ES modules are not covered: Node 20 has no cached data for them.
 *
 * A module that calls `import()` is left to Node: on Node 20, a script made from cached data has
 * lost its dynamic-import callback ("A dynamic import callback was not specified"). Whether a
 * module does is decided once per source, with es-module-lexer (a tokenizer: `import(` in a string
 * or comment, as typescript.js has, does not count), and kept in its entry.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

const MAGIC = 'mmtel-v8-code-cache-2';

/**
 * @typedef {{ hash: string, offset: number, length: number } | { hash: string, dynamicImport: true }} StoredEntry
 * @typedef {{ magic: string, entries: Record<string, StoredEntry> }} Header
 * @typedef {{ hash: string, script: vm.Script } | { hash: string, dynamicImport: true }} FreshEntry
 * @typedef {{ file: string, hits: number, misses: number, rejected: number, dynamicImport: number, written: number }} CodeCacheStats
 * @typedef {Module & { require(id: string): unknown, filename: string, paths: string[] }} CjsModule
 * @typedef {{ _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string,
 *   _resolveLookupPaths(request: string, parent: CjsModule): string[] | null,
 *   _extensions: unknown, _cache: unknown, wrap(source: string): string }} ModuleInternals
 * @typedef {(this: CjsModule, content: string, filename: string, format?: string) => unknown} CompileMethod
 */

const sha256 = (/** @type {string} */ text) => createHash('sha256').update(text).digest('hex');

/**
 * The entries of a cache file, read on demand (a run reads only the modules it loads).
 */
class CacheFile {
  /** @param {string} path */
  constructor(path) {
    /** @type {Record<string, StoredEntry>} */
    this.entries = {};
    /** @type {number | undefined} */
    this.fd = undefined;
    this.dataStart = 0;
    try {
      this.fd = openSync(path, 'r');
      const size = fstatSync(this.fd).size;
      const lengthBytes = Buffer.alloc(4);
      readSync(this.fd, lengthBytes, 0, 4, 0);
      const headerLength = lengthBytes.readUInt32LE(0);
      if (headerLength + 4 > size) throw new Error('truncated');
      const headerBytes = Buffer.alloc(headerLength);
      readSync(this.fd, headerBytes, 0, headerLength, 4);
      /** @type {Header} */
      const header = JSON.parse(headerBytes.toString('utf8'));
      if (header.magic !== MAGIC) throw new Error('not a code cache');
      this.entries = header.entries;
      this.dataStart = 4 + headerLength;
    } catch {
      // Absent or unreadable: every module compiles from source and the file is written anew.
      this.entries = {};
    }
  }

  /**
   * The cached data of `file` when it was made from a source with this hash.
   * @param {string} file
   * @param {string} hash
   * @returns {Buffer | undefined}
   */
  read(file, hash) {
    const entry = this.entries[file];
    if (entry === undefined || entry.hash !== hash || 'dynamicImport' in entry || this.fd === undefined) return undefined;
    const data = Buffer.allocUnsafe(entry.length);
    return readSync(this.fd, data, 0, entry.length, this.dataStart + entry.offset) === entry.length ? data : undefined;
  }

  /**
   * True when the module with this source calls `import()` (it is compiled by Node then).
   * @param {string} file
   * @param {string} hash
   */
  importsDynamically(file, hash) {
    const entry = this.entries[file];
    return entry !== undefined && entry.hash === hash && 'dynamicImport' in entry;
  }

  /**
   * A stored entry's bytes, for rewriting the file.
   * @param {string} file
   * @returns {Buffer | undefined}
   */
  bytesOf(file) {
    const entry = this.entries[file];
    return entry === undefined ? undefined : this.read(file, entry.hash);
  }

  close() {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * The `require` Node gives a module's code (`makeRequireFunction` of Node's CommonJS loader).
 * @param {CjsModule} mod
 */
function requireFor(mod) {
  const internals = /** @type {ModuleInternals} */ (/** @type {unknown} */ (Module));
  /** @param {string} id */
  const require = (id) => mod.require(id);
  /**
   * @param {string} request
   * @param {unknown} [options]
   */
  const resolve = (request, options) => internals._resolveFilename(request, mod, false, options);
  resolve.paths = (/** @type {string} */ request) => internals._resolveLookupPaths(request, mod);
  return Object.assign(require, {
    resolve,
    main: process.mainModule,
    extensions: internals._extensions,
    cache: internals._cache,
  });
}

/**
 * Compiles every CommonJS module this process requires from now on through the code cache in
 * `path`, and writes the cache back at exit when a module had no usable entry.
 * @param {string} path the cache file (its directory is created when written)
 * @returns {() => CodeCacheStats} what the cache did so far (for tests and measurements)
 */
export function installCodeCache(path) {
  const stored = new CacheFile(path);
  /** @type {Map<string, FreshEntry>} */
  const fresh = new Map();
  const stats = { file: path, hits: 0, misses: 0, rejected: 0, dynamicImport: 0, written: 0 };
  const proto = /** @type {{ _compile: CompileMethod }} */ (/** @type {unknown} */ (Module.prototype));
  const nodeCompile = proto._compile;
  const wrap = /** @type {ModuleInternals} */ (/** @type {unknown} */ (Module)).wrap;

  proto._compile = function compile(content, filename, format) {
    // An ES module required with require(esm), or anything not plain CommonJS: Node's own way.
    if (format === 'module' || !/\.c?js$/.test(filename)) return nodeCompile.call(this, content, filename, format);
    const hash = sha256(content);
    const cachedData = stored.read(filename, hash);
    if (stored.importsDynamically(filename, hash) || (cachedData === undefined && callsImport(content, nodeCompile))) {
      stats.dynamicImport++;
      if (!stored.importsDynamically(filename, hash)) fresh.set(filename, { hash, dynamicImport: true });
      return nodeCompile.call(this, content, filename, format);
    }
    // A hashbang is valid only at the very start of a script, not inside the function wrapper.
    const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    let script;
    try {
      script = new vm.Script(wrap(source), { filename, ...(cachedData === undefined ? {} : { cachedData }) });
    } catch {
      // Not CommonJS after all (Node 20 retries ES module syntax as an ES module): Node's own way.
      return nodeCompile.call(this, content, filename, format);
    }
    if (cachedData === undefined) stats.misses++;
    else if (script.cachedDataRejected === true) stats.rejected++;
    else stats.hits++;
    if (cachedData === undefined || script.cachedDataRejected === true) fresh.set(filename, { hash, script });
    const fn = /** @type {Function} */ (script.runInThisContext({ displayErrors: true }));
    return fn.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
  };

  process.once('exit', () => {
    proto._compile = nodeCompile;
    try {
      if (fresh.size > 0) stats.written = writeCacheFile(path, stored, fresh);
    } catch {
      // A cache that cannot be written costs the next run its speed, never its result.
    } finally {
      stored.close();
    }
  });
  return () => ({ ...stats });
}

/** @typedef {{ initSync(): void, parse(source: string): [{ d: number }[]] }} Lexer */
/** @type {Lexer | undefined} */
let lexer;

/**
 * True when `source` calls `import()`, or may (the lexer failed on it).
 * @param {string} source
 * @param {CompileMethod} nodeCompile Node's compile, for loading the lexer without this hook
 */
function callsImport(source, nodeCompile) {
  if (!/\bimport\s*\(/.test(source)) return false;
  if (lexer === undefined) {
    const proto = /** @type {{ _compile: CompileMethod }} */ (/** @type {unknown} */ (Module.prototype));
    const hook = proto._compile;
    proto._compile = nodeCompile;
    try {
      const loaded = /** @type {Lexer} */ (createRequire(import.meta.url)('es-module-lexer'));
      loaded.initSync();
      lexer = loaded;
    } finally {
      proto._compile = hook;
    }
  }
  try {
    // `d` is -1 for a static import and the position of the call's parenthesis for `import()`.
    return lexer.parse(source)[0].some((entry) => entry.d > -1);
  } catch {
    return true;
  }
}

/**
 * Writes the stored entries whose module still exists and the new ones, replacing the file.
 * @param {string} path
 * @param {CacheFile} stored
 * @param {Map<string, FreshEntry>} fresh
 * @returns {number} how many entries were made in this run
 */
function writeCacheFile(path, stored, fresh) {
  /** @type {Record<string, StoredEntry>} */
  const entries = {};
  /** @type {Buffer[]} */
  const chunks = [];
  let offset = 0;
  const add = (/** @type {string} */ file, /** @type {string} */ hash, /** @type {Buffer} */ data) => {
    entries[file] = { hash, offset, length: data.length };
    chunks.push(data);
    offset += data.length;
  };
  for (const [file, entry] of fresh) {
    if ('dynamicImport' in entry) entries[file] = entry;
    else add(file, entry.hash, entry.script.createCachedData());
  }
  for (const [file, entry] of Object.entries(stored.entries)) {
    if (fresh.has(file) || !existsSync(file)) continue;
    if ('dynamicImport' in entry) {
      entries[file] = entry;
      continue;
    }
    const data = stored.bytesOf(file);
    if (data !== undefined) add(file, entry.hash, data);
  }
  const header = Buffer.from(JSON.stringify(/** @type {Header} */ ({ magic: MAGIC, entries })), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}`;
  writeFileSync(temporary, Buffer.concat([length, header, ...chunks]));
  renameSync(temporary, path);
  return fresh.size;
}
