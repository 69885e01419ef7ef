import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, symlink, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Builds the package as it is published (tsup: ESM + CommonJS + declarations) and lints the
// packed result with publint and @arethetypeswrong/cli, both offline. The build goes to a
// directory of its own (manifest, README, dist), so that another test building packages/client
// at the same time cannot pull its files away.
const packageDir = fileURLToPath(new URL('..', import.meta.url));
let stage: string;
let dist: string;

/** Runs a tool of the package's node_modules/.bin in `cwd`: its exit code and output. */
function tool(name: string, args: string[], cwd = stage): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      join(packageDir, 'node_modules', '.bin', name),
      args,
      { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe.concurrent('the published package', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    stage = await mkdtemp(join(tmpdir(), 'mmtel-client-package-'));
    dist = join(stage, 'dist');
    const build = await tool('tsup', ['--out-dir', dist], packageDir);
    expect(build.code, build.output).toBe(0);
    await copyFile(join(packageDir, 'package.json'), join(stage, 'package.json'));
    await copyFile(join(packageDir, 'README.md'), join(stage, 'README.md'));
    // openapi-fetch, for loading the build; npm pack leaves node_modules out.
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
    expect(lint.code, lint.output).toBe(0);
  });

  it('has the right types for every resolution mode (attw --pack)', async () => {
    const attw = await tool('attw', ['--pack', '.', '--format', 'ascii']);
    expect(attw.code, attw.output).toBe(0);
    expect(attw.output).toContain('No problems found');
  });

  it('bundles @mmtel/types into its code and declarations, keeping openapi-fetch a dependency', async () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
      const text = await readFile(join(dist, file), 'utf8');
      expect(text, file).not.toMatch(/(from |require\()["']@mmtel\//);
      expect(text, file).toMatch(/(from |require\()["']openapi-fetch["']/);
    }
    const manifest: unknown = JSON.parse(await readFile(join(stage, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      dependencies: { 'openapi-fetch': expect.any(String) },
      devDependencies: { '@mmtel/types': 'workspace:*' },
    });
    expect(manifest).not.toHaveProperty('dependencies.@mmtel/types');
  });

  it.each([
    ['CommonJS build, with require', () => createRequire(import.meta.url)(join(dist, 'index.cjs'))],
    ['ESM build, with import', () => import(pathToFileURL(join(dist, 'index.js')).href)],
  ])('makes working clients from the %s', async (_name, load: () => unknown) => {
    const entry: unknown = await load();
    expect(entry).toMatchObject({
      createCallControlClient: expect.any(Function),
      MmtelProblemError: expect.any(Function),
      ImsSessionState: { ESTABLISHED: 'ESTABLISHED' },
    });
    const sent: string[] = [];
    const fetch = async (request: Request) => (sent.push(`${request.method} ${request.url}`), new Response(null, { status: 204 }));
    const { createCallControlClient } = entry as typeof import('../src/index.js');
    const result = await createCallControlClient({ baseUrl: 'http://mmtel.invalid', fetch }).releaseImsSession('s-1');
    expect(result.response.status).toBe(204);
    expect(sent).toEqual(['DELETE http://mmtel.invalid/mmtel-callcontrol/v1/ims-sessions/s-1']);
  });
});
