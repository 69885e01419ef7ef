import { execFile, spawn } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, startReferenceServer, type ReferenceServer } from '@mmtel/server';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startBrokenServer } from '../../../packages/cli/test/support/broken-server.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const packages = ['client', 'receiver'];
/** The repository's LICENSE, which every tarball must hold. */
const LICENSE = join(repo, 'LICENSE');
const consumer = fileURLToPath(new URL('../consumer', import.meta.url));
let project: string;
let asSuite: string;
let server: ReferenceServer;
/** How long the AS suite's `npm install` took (ms), for the test's report. */
let asInstallMs = 0;
/** How long building and packing the command line and the workspace packages only it depends on took (ms), beside the others. */
let cliPackMs = 0;
/** Every tarball packed, by package directory name (client, receiver, server, cli, …). */
const tarballOf = new Map<string, string>();

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

/** Packs a package that `build` has built into `dir`, running its prepack script (the LICENSE); the tarball's path. */
async function pack(dir: string, destination: string): Promise<string> {
  const packed = JSON.parse(await sh('npm', ['pack', '--json', '--pack-destination', destination], dir)) as [{ filename: string }];
  return join(destination, packed[0].filename);
}

/**
 * Packs a package with pnpm, as `pnpm publish` (and `changeset publish`) packs it: its
 * `workspace:*` dependencies become the versions, which npm pack would leave for npm install to
 * refuse. The prepack script runs too.
 */
async function pnpmPack(dir: string, destination: string): Promise<string> {
  const stdout = await sh('npx', ['-y', 'pnpm@12.4.2', 'pack', '--json', '--pack-destination', destination], dir);
  // pnpm echoes the prepack script's command line first.
  return (JSON.parse(stdout.slice(stdout.indexOf('{'))) as { filename: string }).filename;
}

/** The workspace packages `mmtel` depends on besides the client, receiver and server (e.g. @mmtel/check), by directory name. */
async function otherCliDependencies(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(repo, 'packages/cli/package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return Object.keys(manifest.dependencies)
    .filter((name) => name.startsWith('@mmtel/'))
    .map((name) => name.slice('@mmtel/'.length))
    .filter((name) => !['client', 'receiver', 'server'].includes(name));
}

/** `npm install` of `specs` in `cwd`, from npm's local cache where it holds them. */
function npmInstall(cwd: string, specs: string[]): Promise<string> {
  return sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...specs], cwd);
}

/**
 * As a user gets them: the packages built and packed, installed with plain npm into fresh
 * projects outside the workspace: the client and receiver next to the reference server on
 * loopback, with the `mmtel` command line beside them (its tarball and the workspace packages it
 * depends on, as the registry would give them); and the server, client and receiver into an AS's
 * own vitest project.
 */
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'mmtel-consumer-'));
  asSuite = await mkdtemp(join(tmpdir(), 'mmtel-as-suite-'));
  // Each package built and packed at once: the longest one (the server's declarations, @mmtel/check's) sets the pace.
  const cliStarted = performance.now();
  const cliPackages = [...(await otherCliDependencies()), 'cli'];
  await Promise.all([
    ...packages.map(async (name) => {
      const dir = join(repo, 'packages', name);
      await sh(join(dir, 'node_modules/.bin/tsup'), [], dir);
      tarballOf.set(name, await pack(dir, project));
    }),
    packServer(project).then((tarball) => tarballOf.set('server', tarball)),
    ...cliPackages.map(async (name) => {
      const dir = join(repo, 'packages', name);
      await sh(join(dir, 'node_modules/.bin/tsup'), [], dir);
      tarballOf.set(name, await pnpmPack(dir, project));
      cliPackMs = Math.max(cliPackMs, performance.now() - cliStarted);
    }),
  ]);
  console.info(
    `built and packed in ${((performance.now() - cliStarted) / 1000).toFixed(1)} s (the command line's part: ${(cliPackMs / 1000).toFixed(1)} s)`,
  );

  await cp(consumer, project, { recursive: true, filter: (source) => source !== join(consumer, 'as-suite') });
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'mmtel-consumer', private: true, type: 'commonjs' }));
  await cp(join(consumer, 'as-suite'), asSuite, { recursive: true });
  const asTarballs = ['client', 'receiver', 'server'].map((name) => tarballOf.get(name) ?? '');
  const asStarted = performance.now();
  await Promise.all([
    // The command line's dependencies that are ours come from their tarballs, the rest from npm.
    npmInstall(project, [...tarballOf.values(), 'typescript@5.9.3', '@types/node@20.19.8']),
    npmInstall(asSuite, asTarballs).then(() => (asInstallMs = performance.now() - asStarted)),
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
  // The package's prepack script puts the LICENSE into packages/server; it goes to the stage with the other files,
  // and its postpack script takes it away again.
  await sh('npm', ['run', '--silent', 'prepack'], dir);
  for (const file of ['package.json', 'README.md', 'LICENSE']) await copyFile(join(dir, file), join(stage, file));
  await sh('npm', ['run', '--silent', 'postpack'], dir);
  // Without scripts: the prepack script, run from the stage, would look for the LICENSE two levels above it.
  const packed = JSON.parse(await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], stage)) as [
    { filename: string },
  ];
  const tarball = join(destination, packed[0].filename);
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

describe('every published package', () => {
  it("holds the repository's LICENSE in its tarball", async () => {
    const license = await readFile(LICENSE, 'utf8');
    expect([...tarballOf.keys()]).toEqual(expect.arrayContaining(['client', 'receiver', 'server', 'cli']));
    for (const [name, tarball] of tarballOf) {
      expect(await sh('tar', ['-xzOf', tarball, 'package/LICENSE'], project), `${name}: package/LICENSE`).toBe(license);
    }
  });
});

/** What a finished `mmtel` left. */
interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `mmtel`: the process, what it has printed so far, and its end. */
interface RunningMmtel {
  child: ReturnType<typeof spawn>;
  output(): string;
  finished: Promise<Finished>;
}

/** Starts the installed `mmtel` from node_modules/.bin, as a user's shell does. */
function startMmtel(args: string[]): RunningMmtel {
  const child = spawn(join(project, 'node_modules/.bin/mmtel'), args, {
    cwd: project,
    env: { ...withoutVitest(process.env), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, output: () => stdout + stderr, finished };
}

/** Runs the installed `mmtel` to its end; never throws on its exit status. */
function mmtel(args: string[]): Promise<Finished> {
  return startMmtel(args).finished;
}

describe('the packed mmtel command line, installed with npm', () => {
  it('prints its version with --version and exits 0', async () => {
    const { version } = JSON.parse(await readFile(join(repo, 'packages/cli/package.json'), 'utf8')) as { version: string };
    const { code, stdout } = await mmtel(['--version']);
    expect(stdout.trim()).toBe(version);
    expect(code).toBe(0);
  });

  it('runs the reference server with mmtel server, and mmtel call prints the events of an answered call and exits 0', async () => {
    const started = performance.now();
    const port = await freePort();
    const server = startMmtel(['server', '--port', String(port)]);
    try {
      await eventually(
        () => /MMTel Enabler Server ready/.test(server.output()),
        60_000,
        () => server.output(),
      );
      const call = await mmtel(['call', 'sip:alice@example.com', 'tel:+4930123456', '--api-root', `http://127.0.0.1:${port}`]);
      expect(call.stdout).toMatch(
        /session \S+ created[\s\S]*SESSION_ESTABLISHMENT_PROGRESS[\s\S]*SESSION_ESTABLISHMENT_ALERTING[\s\S]*SESSION_ESTABLISHMENT_SUCCESS[\s\S]*answered, then released/,
      );
      expect(call.code, call.stderr).toBe(0);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await server.finished).code).toBe(0);
    console.info(`mmtel server + mmtel call from the installed bin: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });

  it('mmtel check passes against mmtel server and fails against a broken server, naming the clause', async () => {
    const apiRoot = await installedServer();
    const passing = await mmtel(['check', apiRoot]);
    expect(passing.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(passing.code, passing.stdout + passing.stderr).toBe(0);

    // The one rule broken: DELETE of a session answers 200 where TS 29.392 6.4.3.3.3.3 says 204.
    const broken = await startBrokenServer(apiRoot, {
      answer: (request, answer) => (request.method === 'DELETE' && answer.status === 204 ? { ...answer, status: 200 } : answer),
    });
    const failing = await mmtel(['check', broken]);
    expect(failing.stdout).toMatch(/✗ TS 29\.392 6\.4\.3\.3\.3\.3 +DELETE of the session answers 204/);
    expect(failing.code).toBe(1);
  });

  it('mmtel listen --forward-to delivers the notifications of a call to a local AS and passes its answers back', async () => {
    const apiRoot = await installedServer();
    const received: string[] = [];
    const as = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push(`${request.url} ${(JSON.parse(body) as { eventReports: Array<{ event: string }> }).eventReports[0]?.event}`);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => as.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => as.close(() => resolve())));
    const asUrl = `http://127.0.0.1:${(as.address() as AddressInfo).port}`;

    const listen = startMmtel(['listen', '--port', '0', '--forward-to', asUrl]);
    onTestFinished(() => void listen.child.kill('SIGTERM'));
    await eventually(
      () => /forwarding (http:\/\/127\.0\.0\.1:\d+)/.test(listen.output()),
      30_000,
      () => listen.output(),
    );
    const origin = /forwarding (http:\/\/127\.0\.0\.1:\d+)/.exec(listen.output())![1]!;

    const created = await fetch(`${apiRoot}/mmtel-callcontrol/v1/ims-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        afId: 'as1',
        imsSessionInfo: { callingParty: 'sip:alice@example.com', calledParty: 'tel:+4930123456' },
        notifUri: `${origin}/ims-session-notification`,
      }),
    });
    expect(created.status).toBe(201);
    await eventually(
      () => received.length === 3 && /: 204[\s\S]*: 204[\s\S]*: 204/.test(listen.output()),
      30_000,
      () => listen.output(),
    );
    expect(received).toEqual([
      '/ims-session-notification SESSION_ESTABLISHMENT_PROGRESS',
      '/ims-session-notification SESSION_ESTABLISHMENT_ALERTING',
      '/ims-session-notification SESSION_ESTABLISHMENT_SUCCESS',
    ]);
  });

  it('exits 2 with its usage for an option it does not know', async () => {
    const { code, stderr } = await mmtel(['call', 'sip:alice@example.com', 'tel:+4930123456', '--no-such-option']);
    expect(stderr).toContain("unknown option '--no-such-option'");
    expect(code).toBe(2);
  });

  it('exits 1 and says where it looked when no server answers at --api-root', async () => {
    const port = await freePort();
    const { code, stderr } = await mmtel(['call', 'sip:alice@example.com', 'tel:+4930123456', '--api-root', `http://127.0.0.1:${port}`]);
    expect(stderr).toContain(`127.0.0.1:${port}`);
    expect(code).toBe(1);
  });
});

/** Starts the installed `mmtel server` on a free port for the running test (stopped after it) and returns its apiRoot. */
async function installedServer(): Promise<string> {
  const port = await freePort();
  const server = startMmtel(['server', '--port', String(port)]);
  onTestFinished(async () => {
    server.child.kill('SIGTERM');
    await server.finished;
  });
  await eventually(
    () => /MMTel Enabler Server ready/.test(server.output()),
    60_000,
    () => server.output(),
  );
  return `http://127.0.0.1:${port}`;
}

/** Polls `check` until it holds, failing after `ms` with what `explain` says. */
async function eventually(check: () => boolean, ms: number, explain: () => string): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not in time:\n${explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
