import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { withFileLock } from './file-lock.js';
import { join } from 'node:path';
import { cacheDir } from './repo-paths.js';
import { runCommand, type RunOptions, type RunResult } from './run-command.js';

/** A Python virtual environment built from a lock file. */
export interface PythonEnv {
  /** The environment's directory. */
  dir: string;
  /** Its interpreter. */
  python: string;
  /** Runs its interpreter (`python args…`). */
  run(args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** Which environment to build. */
export interface PythonEnvSpec {
  /** A name for the environment's directory (`schemathesis`, `sdk-tests`). */
  name: string;
  /**
   * A pip requirements file in which every package, dependencies included, is pinned with `==` and
   * its hashes (`pip-compile --generate-hashes`, see `pnpm --filter @mmtel/toolchain lock-python`).
   */
  lockFile: string;
  /** Progress lines (creation only; a ready environment says nothing). */
  log?: (line: string) => void;
}

/** The interpreter environments are built with: `MMTEL_PYTHON`, else `python3` on PATH. */
export function basePython(): string {
  return process.env['MMTEL_PYTHON'] || 'python3';
}

/** Python 3.10 or newer, with venv and pip: what the SDK and Schemathesis need. */
export async function pythonVersion(python = basePython()): Promise<string> {
  const probe = 'import sys, venv, ensurepip; print("%d.%d.%d" % sys.version_info[:3])';
  const result = await runCommand(python, ['-c', probe], { allowFailure: true }).catch((error: Error) => ({
    code: -1,
    stdout: '',
    output: error.message,
  }));
  const version = result.stdout.trim();
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (result.code !== 0 || major < 3 || (major === 3 && minor < 10)) {
    throw new Error(
      `${python} is not a Python ≥ 3.10 with venv and ensurepip (${version || result.output.trim()}). ` +
        'Install one (Debian: apt-get install python3 python3-venv) or point MMTEL_PYTHON at it.',
    );
  }
  return version;
}

/**
 * The virtual environment for `spec`, built on first use under `.cache/python/` and reused while
 * the lock file and the interpreter's minor version stay the same (the directory name carries a
 * hash of both). pip installs with `--require-hashes`, so nothing unpinned or altered gets in.
 * Safe to call from parallel test files: one builds, the others wait for it.
 */
export async function ensurePythonEnv(spec: PythonEnvSpec): Promise<PythonEnv> {
  const python = basePython();
  const version = await pythonVersion(python);
  const lock = await readFile(spec.lockFile, 'utf8');
  const minor = version.split('.').slice(0, 2).join('.');
  const key = createHash('sha256').update(`${minor}\n${lock}`).digest('hex').slice(0, 12);
  const dir = join(cacheDir, 'python', `${spec.name}-py${minor}-${key}`);
  const env = pythonEnvAt(dir);
  const ready = join(dir, '.ready');
  if (await exists(ready)) return env;

  return withFileLock(`${dir}.lock`, async () => {
    if (await exists(ready)) return env;
    spec.log?.(`creating the Python environment ${dir}`);
    await rm(dir, { recursive: true, force: true });
    await runCommand(python, ['-m', 'venv', dir], { timeoutMs: 120_000 });
    await env.run(['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '--require-hashes', '-r', spec.lockFile], {
      timeoutMs: 600_000,
      env: { PIP_NO_PYTHON_VERSION_WARNING: '1' },
    });
    await writeFile(ready, `${spec.lockFile}\n`);
    return env;
  });
}

function pythonEnvAt(dir: string): PythonEnv {
  const python = join(dir, 'bin', 'python');
  return {
    dir,
    python,
    run: (args, options = {}) =>
      runCommand(python, args, {
        ...options,
        // The environment's own scripts first, and no user site-packages leaking in.
        env: { PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? ''}`, PYTHONNOUSERSITE: '1', ...options.env },
      }),
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
