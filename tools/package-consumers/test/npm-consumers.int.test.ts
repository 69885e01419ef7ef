import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startReferenceServer, type ReferenceServer } from '@mmtel/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const packages = ['client', 'receiver'];
let project: string;
let server: ReferenceServer;

/** Runs a command; on failure the error message carries its whole output. */
async function sh(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`);
  }
}

/**
 * As a user gets them: both packages built and packed with `npm pack`, installed with plain npm
 * into a fresh project outside the workspace, next to the reference server on loopback.
 */
beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'mmtel-consumer-'));
  const tarballs: string[] = [];
  for (const name of packages) {
    const dir = join(repo, 'packages', name);
    await sh(join(dir, 'node_modules/.bin/tsup'), [], dir);
    const packed = JSON.parse(await sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', project], dir)) as [
      { filename: string },
    ];
    tarballs.push(join(project, packed[0].filename));
  }
  await cp(fileURLToPath(new URL('../consumer', import.meta.url)), project, { recursive: true });
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'mmtel-consumer', private: true, type: 'commonjs' }));
  await sh(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, 'typescript@5.9.3', '@types/node@20.19.8'],
    project,
  );

  server = await startReferenceServer({ MMTEL_SIM_SCENARIO: 'answer' });
});

afterAll(async () => {
  await server?.close();
  await rm(project, { recursive: true, force: true });
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
