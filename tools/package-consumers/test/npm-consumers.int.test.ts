import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startReferenceServer, type ReferenceServer } from '@mmtel/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const packages = ['client', 'receiver'];
const consumer = fileURLToPath(new URL('../consumer', import.meta.url));
let project: string;
let asSuite: string;
let server: ReferenceServer;
/** How long the AS suite's `npm install` took (ms), for the test's report. */
let asInstallMs = 0;

/** The environment without the variables vitest sets for its workers. */
function withoutVitest(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('VITEST')));
}

/** Runs a command; on failure the error message carries its whole output. */
async function sh(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, {
      cwd,
      // Without this run's VITEST_* variables: the AS suite's own vitest must not take them for its own.
      env: { ...withoutVitest(process.env), NO_COLOR: '1', npm_config_update_notifier: 'false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`);
  }
}

/** Packs a package that `build` has built into `dir`; the tarball's path. */
async function pack(dir: string, destination: string): Promise<string> {
  const packed = JSON.parse(await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], dir)) as [
    { filename: string },
  ];
  return join(destination, packed[0].filename);
}

/** `npm install` of `specs` in `cwd`, from npm's local cache where it holds them. */
function npmInstall(cwd: string, specs: string[]): Promise<string> {
  return sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...specs], cwd);
}

/**
 * As a user gets them: the packages built and packed with `npm pack`, installed with plain npm
 * into fresh projects outside the workspace: the client and receiver next to the reference server
 * on loopback, and all three into an AS's own vitest project.
 */
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'mmtel-consumer-'));
  asSuite = await mkdtemp(join(tmpdir(), 'mmtel-as-suite-'));
  const tarballs: string[] = [];
  for (const name of packages) {
    const dir = join(repo, 'packages', name);
    await sh(join(dir, 'node_modules/.bin/tsup'), [], dir);
    tarballs.push(await pack(dir, project));
  }
  tarballs.push(await packServer(project));

  await cp(consumer, project, { recursive: true, filter: (source) => source !== join(consumer, 'as-suite') });
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'mmtel-consumer', private: true, type: 'commonjs' }));
  await cp(join(consumer, 'as-suite'), asSuite, { recursive: true });
  const client = tarballs.filter((tarball) => !tarball.includes('mmtel-server-'));
  const asStarted = performance.now();
  await Promise.all([
    npmInstall(project, [...client, 'typescript@5.9.3', '@types/node@20.19.8']),
    npmInstall(asSuite, tarballs).then(() => (asInstallMs = performance.now() - asStarted)),
  ]);

  server = await startReferenceServer({ MMTEL_SIM_SCENARIO: 'answer' });
});

/**
 * The server built as it is published, into a directory of its own (a build in packages/server
 * would empty the dist/ that `pnpm start` and the benchmarks run), and packed from there.
 */
async function packServer(destination: string): Promise<string> {
  const dir = join(repo, 'packages/server');
  const stage = join(destination, 'server-package');
  await mkdir(stage);
  await sh(join(dir, 'node_modules/.bin/tsup'), ['--out-dir', join(stage, 'dist')], dir);
  for (const file of ['package.json', 'README.md']) await copyFile(join(dir, file), join(stage, file));
  const tarball = await pack(stage, destination);
  await rm(stage, { recursive: true, force: true });
  return tarball;
}

afterAll(async () => {
  await server?.close();
  await rm(project, { recursive: true, force: true });
  await rm(asSuite, { recursive: true, force: true });
});

const answered = {
  events: ['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_ALERTING', 'SESSION_ESTABLISHMENT_SUCCESS'],
  released: 204,
};

describe('the packed client and receiver, installed with npm', () => {
  it('type-check a TypeScript consumer (the contract types come with the packages)', async () => {
    await expect(sh(join(project, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], project)).resolves.toBeDefined();
  });

  it('run an ESM consumer against the reference server', async () => {
    expect(JSON.parse(await sh(process.execPath, ['consumer.mjs', server.apiRoot], project))).toEqual(answered);
  });

  it('run a CommonJS consumer against the reference server', async () => {
    expect(JSON.parse(await sh(process.execPath, ['consumer.cjs', server.apiRoot], project))).toEqual(answered);
  });
});

describe('the packed server, client and receiver in the vitest suite of an AS', () => {
  it('type-check the suite against the packed declarations', async () => {
    await expect(sh(join(asSuite, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], asSuite)).resolves.toBeDefined();
  });

  it('start the reference server in process, place a call and receive its notifications', async () => {
    const started = performance.now();
    const output = await sh(join(asSuite, 'node_modules/.bin/vitest'), ['run', '--reporter=verbose'], asSuite);
    console.info(
      `AS suite: npm install ${(asInstallMs / 1000).toFixed(1)} s, vitest run ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(output).toMatch(/✓ call\.test\.ts > receives the events of an answered call, then releases it/);
    expect(output).toMatch(/Tests\s+1 passed \(1\)/);
  });
});
