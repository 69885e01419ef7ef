/**
 * The Python SDK suite (`sdks/python/tests`, pytest) as one function: its virtual environment,
 * its declared cases, and a run against servers whose addresses come from the environment. Used
 * by the vitest harness (test/python-sdk.int.test.ts) and by `pnpm --filter @mmtel/sdkgen
 * test:python` (src/test-python.ts).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basePython, ensurePythonEnv, parseJUnitXml, pythonVersion, repoRoot, type JUnitCase, type PythonEnv } from '@mmtel/toolchain';

/** The hand-written pytest suite. */
export const pythonTestsDir = join(repoRoot, 'sdks', 'python', 'tests');

/** The generated SDK projects the suite imports, each directory holding one package. */
export const pythonSdkDirs = ['mmtel-callcontrol', 'mmtel-callevent'].map((name) => join(repoRoot, 'sdks', 'python', name));

/**
 * The interpreter's version, when it can run the suite: `pythonVersion()` (3.10+ with venv and pip)
 * and, since the SDKs' pyproject.toml says `requires-python = ">=3.11"`, 3.11 or newer.
 * Throws with what is missing and how to get it.
 */
export async function requirePythonForSdks(): Promise<string> {
  const version = await pythonVersion();
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 3 && minor < 11) {
    throw new Error(`${basePython()} is Python ${version}; the Python SDKs need 3.11 or newer. Install one or point MMTEL_PYTHON at it.`);
  }
  return version;
}

/**
 * The suite's environment: pytest and the SDKs' runtime dependencies from the hash-pinned
 * `requirements.lock`, built once under `.cache/python/` and reused while the lock is unchanged.
 * The SDKs themselves are not installed into it (see `pythonTestEnv`).
 */
export function ensurePythonSdkEnv(log?: (line: string) => void): Promise<PythonEnv> {
  return ensurePythonEnv({ name: 'sdk-tests', lockFile: join(pythonTestsDir, 'requirements.lock'), ...(log && { log }) });
}

/**
 * The variables the pytest process gets besides the servers' (`MMTEL_API_ROOT`, …):
 * - `PYTHONPATH`: the generated packages are imported from `sdks/python/mmtel-*` as they are in
 *   the checkout, so a regenerated SDK is tested at once without rebuilding or reinstalling
 *   anything (the environment is keyed by the lock alone); `test_distribution` checks the
 *   installed form separately;
 * - `PYTHONDONTWRITEBYTECODE`: no `__pycache__` directories inside the generated trees, which
 *   `pnpm generate:sdks --check` would report as extra files. (A `PYTHONPYCACHEPREFIX` elsewhere
 *   would also keep them out, but it hides the byte code pip compiled into the environment, so
 *   that every run compiled pip and pydantic again: 5 s more per pip call.)
 */
export function pythonTestEnv(): Record<string, string> {
  return {
    PYTHONPATH: pythonSdkDirs.join(':'),
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONNOUSERSITE: '1',
  };
}

/**
 * The cases the suite's sources declare, as `module.test_name` (the last segment of pytest's JUnit
 * `classname` and the test's name): every module-level `def test_…` in `test_*.py`. The suite
 * uses neither test classes nor parametrized tests, so each declaration is exactly one case.
 */
export async function declaredPythonTests(dir = pythonTestsDir): Promise<string[]> {
  const files = (await readdir(dir)).filter((name) => /^test_\w+\.py$/.test(name)).sort();
  const declared: string[] = [];
  for (const file of files) {
    const source = await readFile(join(dir, file), 'utf8');
    const module = file.replace(/\.py$/, '');
    for (const match of source.matchAll(/^def (test_\w+)\s*\(/gm)) declared.push(`${module}.${match[1]}`);
  }
  return declared;
}

/** What one pytest run left behind. */
export interface PythonSdkTestRun {
  cases: JUnitCase[];
  /** pytest's output (stdout and stderr interleaved). */
  output: string;
  /** pytest's exit code: 0 all passed, 1 some failed, 2+ it could not run. */
  code: number | null;
  durationMs: number;
}

/** How to run the suite. */
export interface PythonSdkTestOptions {
  env: PythonEnv;
  /** The servers' variables (`startSdkTestServers().env`). */
  serverEnv: Record<string, string>;
  /** Extra pytest arguments (`-k notification`, `-x`). */
  pytestArgs?: readonly string[];
  onOutput?: (chunk: string) => void;
  timeoutMs?: number;
}

/** Runs pytest on the suite and reads its JUnit report; a failing test is a result, not an error. */
export async function runPythonSdkTests(options: PythonSdkTestOptions): Promise<PythonSdkTestRun> {
  const reportDir = await mkdtemp(join(tmpdir(), 'mmtel-pytest-'));
  try {
    const report = join(reportDir, 'pytest.xml');
    const result = await options.env.run(['-m', 'pytest', pythonTestsDir, `--junitxml=${report}`, ...(options.pytestArgs ?? [])], {
      cwd: repoRoot,
      env: { ...pythonTestEnv(), ...options.serverEnv },
      allowFailure: true,
      timeoutMs: options.timeoutMs ?? 600_000,
      ...(options.onOutput && { onOutput: options.onOutput }),
    });
    const xml = await readFile(report, 'utf8').catch(() => '');
    return { cases: parseJUnitXml(xml), output: result.output, code: result.code, durationMs: result.durationMs };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}
