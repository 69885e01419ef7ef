import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => join(packageDir, 'node_modules', '.bin', name);

/** Runs a command in the package directory; resolves with its output, whatever its exit code. */
async function inPackage(file: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd: packageDir,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the published package', () => {
  beforeAll(async () => {
    const build = await inPackage(bin('tsup'), []);
    expect(build.code, build.output).toBe(0);
  }, 120_000);

  it('passes publint --strict', async () => {
    const result = await inPackage(bin('publint'), ['--strict', '--pack', 'npm']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('All good');
  });

  it('passes @arethetypeswrong/cli --pack for every module resolution', async () => {
    const result = await inPackage(bin('attw'), ['--pack', '.', '--format', 'ascii']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('No problems found');
  });

  it('packs only the build, the README and package.json', async () => {
    const { code, output } = await inPackage('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
    expect(code, output).toBe(0);
    const [packed] = JSON.parse(output.slice(output.indexOf('['))) as [{ files: { path: string }[] }];
    expect(packed.files.map((f) => f.path).sort()).toEqual([
      'README.md',
      'dist/index.cjs',
      'dist/index.cjs.map',
      'dist/index.d.cts',
      'dist/index.d.ts',
      'dist/index.js',
      'dist/index.js.map',
      'package.json',
    ]);
  });

  it('bundles @mmtel/types into the code and the declarations', async () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
      const text = await readFile(join(packageDir, 'dist', file), 'utf8');
      expect(text, file).not.toMatch(/(from|require\()\s*["']@mmtel\//);
    }
  });

  it('loads as ESM and as CommonJS, with the same API', async () => {
    const esm = await inPackage(process.execPath, [
      '--input-type=module',
      '-e',
      "console.log(Object.keys(await import('./dist/index.js')).sort().join())",
    ]);
    const cjs = await inPackage(process.execPath, ['-e', "console.log(Object.keys(require('./dist/index.cjs')).sort().join())"]);
    expect(esm.code, esm.output).toBe(0);
    expect(cjs.output).toBe(esm.output);
    expect(esm.output.trim().split(',')).toEqual(
      expect.arrayContaining(['connectNotificationWebSocket', 'createReceiver', 'notFound', 'notificationReceiver', 'redirect']),
    );
  });

  it('answers a notification from the CommonJS build', async () => {
    const script = `
      const { createReceiver } = require('./dist/index.cjs');
      const app = createReceiver({ handlers: { onSessionEvent() {} } });
      app.listen({ host: '127.0.0.1', port: 0 }).then(async () => {
        const url = 'http://127.0.0.1:' + app.server.address().port + '/session-event-notification';
        const body = JSON.stringify({ notificationEvent: { eventType: 'SESSION_TERMINATION' }, sessionId: 's-1' });
        const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const bad = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        console.log(ok.status, bad.status);
        await app.close();
      });`;
    const result = await inPackage(process.execPath, ['-e', script]);
    expect(result.output.trim()).toBe('204 400');
  });
});
