import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';

// Builds the package as it is published (tsup: the bin, the public entry and its declarations, the
// SQL files and bundled specs beside them) into a directory of its own, so that a test building
// packages/server at the same time cannot pull its files away, and checks what npm would pack.
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
let stage: string;

/** Runs `file` in `cwd`: its exit code, stdout and stderr. */
function run(file: string, args: string[], cwd = stage, env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(file, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A tool of the package's node_modules/.bin. */
function tool(name: string, args: string[], cwd = stage) {
  return run(join(packageDir, 'node_modules', '.bin', name), args, cwd);
}

describe.concurrent('the published server package', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    stage = await mkdtemp(join(tmpdir(), 'mmtel-server-package-'));
    const build = await tool('tsup', ['--out-dir', join(stage, 'dist')], packageDir);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    await copyFile(join(packageDir, 'package.json'), join(stage, 'package.json'));
    await copyFile(join(packageDir, 'README.md'), join(stage, 'README.md'));
    // The npm dependencies, for running the build; npm pack leaves node_modules out.
    await symlink(join(packageDir, 'node_modules'), join(stage, 'node_modules'), 'dir');
  }, 120_000);

  afterAll(async () => {
    if (!stage) return;
    // The link first, on its own: nothing may ever walk into the workspace's node_modules.
    await unlink(join(stage, 'node_modules')).catch(() => undefined);
    await rm(stage, { recursive: true, force: true });
  });

  it('passes publint, warnings included', async () => {
    const lint = await tool('publint', ['--pack', 'npm', '--strict']);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
  });

  it('has the right types for ESM resolution (attw --pack, ES modules only)', async () => {
    const attw = await tool('attw', ['--pack', '.', '--format', 'ascii', '--profile', 'esm-only']);
    expect(attw.code, attw.stdout + attw.stderr).toBe(0);
    // The one finding is CommonJS resolving to ESM, ignored by the profile: `require()` cannot load it.
    expect(attw.stdout).toContain('node16 (from ESM): 🟢 (ESM)');
    expect(attw.stdout).toMatch(/bundler: 🟢/);
  });

  it('packs the bin, the entry, its declarations and the files the server reads at run time', async () => {
    const packed = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
    const files = (JSON.parse(packed.stdout) as [{ files: { path: string }[] }])[0].files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/main.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/schema.sql',
        'dist/outbox-functions.sql',
        'dist/specs/TS29392_MMTel_CallControl.bundled.yaml',
        'dist/specs/TS29392_MMTel_CallEvent.bundled.yaml',
        'dist/specs/MMTel_Simulator.bundled.yaml',
        'dist/specs/TS29392_MMTel_CallControl.callbacks.bundled.yaml',
        'dist/specs/TS29392_MMTel_CallEvent.callbacks.bundled.yaml',
        'README.md',
      ]),
    );
    expect(files.filter((file) => !file.startsWith('dist/'))).toEqual(expect.arrayContaining(['package.json', 'README.md']));
    expect(files.some((file) => file.startsWith('src/'))).toBe(false);
  });

  it('bundles @mmtel/types and @mmtel/validation, and needs neither them nor tsx at run time', async () => {
    const dist = join(stage, 'dist');
    for (const file of (await readdir(dist)).filter((name) => /\.(js|d\.ts)$/.test(name))) {
      expect(await readFile(join(dist, file), 'utf8'), file).not.toMatch(/(from |import\()["'](@mmtel\/|tsx)/);
    }
    const manifest = JSON.parse(await readFile(join(stage, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).filter((name) => name.startsWith('@mmtel/') || name === 'tsx')).toEqual([]);
  });

  it('starts the reference server from the compiled entry, serving its packed specs', async () => {
    // Plain node in a child process, as an AS's test suite imports the package.
    await writeFile(
      join(stage, 'start.mjs'),
      `import { startReferenceServer } from '@mmtel/server';
const server = await startReferenceServer();
const spec = await fetch(server.apiRoot + '/specs/TS29392_MMTel_CallControl.yaml');
const ready = await fetch(server.apiRoot + '/readyz');
console.log(JSON.stringify({ spec: spec.status, type: spec.headers.get('content-type'), ready: ready.status }));
await server.close();
`,
    );
    // A self-reference: the package imports itself by name through its own `exports`.
    const started = await run(process.execPath, ['start.mjs']);
    expect(started.stderr).toBe('');
    expect(JSON.parse(started.stdout)).toMatchObject({ spec: 200, ready: 200 });
  });

  it('ends a start on a port in use with the server’s own one line and exit status 1 (the mmtel-server bin)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as { port: number }).port;
    const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-server-bin-'));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    const started = await run(join(stage, 'dist/main.js'), [], stage, { PORT: String(port), MMTEL_DATA_DIR: dataDir });
    expect(started).toMatchObject({ code: 1, stdout: '' });
    expect(started.stderr).toBe(
      `mmtel-server: PORT=${port} is in use (127.0.0.1:${port}): another process listens there. Stop it, or set PORT to a free port (PORT=0 picks one).\n`,
    );
  });
});
