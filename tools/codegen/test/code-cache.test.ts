import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// bin/code-cache.js replaces Node's compile of CommonJS modules for the whole process, so each
// run here is a process of its own: it installs the cache, requires `module.cjs` from a scratch
// directory, calls its export and prints the result with what the cache did.

const codeCache = fileURLToPath(new URL('../bin/code-cache.js', import.meta.url));
let dir: string;

interface Run {
  result: unknown;
  stats: { hits: number; misses: number; rejected: number; dynamicImport: number; written: number };
}

const runner = `
import { createRequire } from 'node:module';
import { installCodeCache } from ${JSON.stringify(codeCache)};
const stats = installCodeCache(process.argv[2] + '/cache.bin');
const result = await createRequire(process.argv[2] + '/')('./module.cjs')();
process.once('exit', () => process.stdout.write(JSON.stringify({ result, stats: stats() })));
`;

function run(): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(dir, 'runner.mjs'), dir], (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Run);
    });
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'codegen-code-cache-'));
  await writeFile(join(dir, 'runner.mjs'), runner);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the V8 code cache of required modules', () => {
  it('compiles a module from the cached data the previous run wrote', async () => {
    await writeFile(join(dir, 'module.cjs'), `module.exports = () => [1, 2, 3].map((n) => n * 2);\n`);

    const first = await run();
    const second = await run();

    expect(first).toEqual({ result: [2, 4, 6], stats: expect.objectContaining({ hits: 0, misses: 1, written: 1 }) });
    expect(second).toEqual({ result: [2, 4, 6], stats: expect.objectContaining({ hits: 1, misses: 0, written: 0 }) });
  });

  it('runs the new code of a module edited to a source of the same length (V8 checks only the length)', async () => {
    await writeFile(join(dir, 'module.cjs'), `module.exports = () => 'old';\n`);
    expect((await run()).result).toBe('old');

    await writeFile(join(dir, 'module.cjs'), `module.exports = () => 'new';\n`);
    const edited = await run();

    expect(edited).toEqual({ result: 'new', stats: expect.objectContaining({ hits: 0, misses: 1 }) });
  });

  it('leaves a module that calls import() to Node, whose import still works on the next run', async () => {
    // From cached data, Node 20's vm.Script has no dynamic-import callback any more.
    await writeFile(join(dir, 'module.cjs'), `module.exports = async () => typeof (await import('node:path')).join;\n`);

    const first = await run();
    const second = await run();

    expect(first).toEqual({ result: 'function', stats: expect.objectContaining({ dynamicImport: 1, misses: 0 }) });
    expect(second).toEqual({ result: 'function', stats: expect.objectContaining({ dynamicImport: 1, hits: 0 }) });
  });

  it("caches a module whose only 'import(' is in a string or a comment", async () => {
    await writeFile(join(dir, 'module.cjs'), `// import(x) here is a comment\nmodule.exports = () => "import('y')";\n`);

    await run();
    const second = await run();

    expect(second).toEqual({ result: "import('y')", stats: expect.objectContaining({ hits: 1, dynamicImport: 0 }) });
  });

  it('compiles from source and writes the cache anew when the cache file is not one', async () => {
    await writeFile(join(dir, 'module.cjs'), `module.exports = () => 42;\n`);
    await writeFile(join(dir, 'cache.bin'), 'not a code cache');

    const first = await run();
    const second = await run();

    expect(first).toEqual({ result: 42, stats: expect.objectContaining({ misses: 1, written: 1 }) });
    expect(second.stats).toEqual(expect.objectContaining({ hits: 1 }));
  });
});
