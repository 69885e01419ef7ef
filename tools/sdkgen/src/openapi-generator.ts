import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, runCommand, withFileLock, type RunOptions, type RunResult } from '@mmtel/toolchain';

/** tools/sdkgen: holds openapitools.json, which pins the wrapper's generator version. */
export const sdkgenDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * SHA-256 of each generator jar this project has checked (Maven Central's `.sha256` and `.sha1`
 * agreed with the download). A version bump in openapitools.json needs its line here: the jar is
 * verified after every download, so a corrupt or altered jar never runs.
 */
const JAR_SHA256: Record<string, string> = {
  '7.27.0': 'db9c4b738727698748746144394cb7ee96512fe50166555baaeeca9311ee1dba',
};

/** The generator version pinned in tools/sdkgen/openapitools.json. */
export async function generatorVersion(): Promise<string> {
  const config = JSON.parse(await readFile(join(sdkgenDir, 'openapitools.json'), 'utf8')) as {
    'generator-cli'?: { version?: string };
  };
  const version = config['generator-cli']?.version;
  if (!version) throw new Error('tools/sdkgen/openapitools.json pins no generator-cli.version');
  return version;
}

let verifiedJar: Promise<string> | undefined;

/**
 * The pinned openapi-generator jar, downloaded from Maven Central by the pinned
 * `@openapitools/openapi-generator-cli` wrapper into `.cache/openapi-generator/` on first use (its
 * `storageDir`), then reused: a second run downloads nothing. Its checksum is checked once per
 * process before it runs (a download cut short or an altered file is replaced or refused).
 */
export function generatorJar(log: (line: string) => void = () => undefined): Promise<string> {
  verifiedJar ??= fetchJar(log).catch((error: unknown) => {
    verifiedJar = undefined;
    throw error;
  });
  return verifiedJar;
}

async function fetchJar(log: (line: string) => void): Promise<string> {
  const version = await generatorVersion();
  const expected = JAR_SHA256[version];
  if (!expected) {
    throw new Error(
      `openapitools.json pins openapi-generator ${version}, whose jar checksum is not recorded: ` +
        'add its SHA-256 (Maven Central publishes openapi-generator-cli-<version>.jar.sha256) to JAR_SHA256 in tools/sdkgen/src/openapi-generator.ts',
    );
  }
  const jar = join(cacheDir, 'openapi-generator', `${version}.jar`);
  if ((await isFile(jar)) && (await sha256(jar)) === expected) return jar;
  // Parallel test files may all want it: one downloads, the others wait.
  return withFileLock(`${jar}.lock`, async () => {
    if ((await isFile(jar)) && (await sha256(jar)) === expected) return jar;
    await rm(jar, { force: true });
    await download(version, expected, jar, log);
    return jar;
  });
}

async function download(version: string, expected: string, jar: string, log: (line: string) => void): Promise<void> {
  log(`downloading openapi-generator ${version} from Maven Central`);
  const wrapper = createRequire(join(sdkgenDir, 'package.json')).resolve('@openapitools/openapi-generator-cli/main.js');
  // The wrapper resolves storageDir against PWD: it must be this directory.
  await runCommand(process.execPath, [wrapper, 'version'], {
    cwd: sdkgenDir,
    env: { PWD: sdkgenDir, INIT_CWD: sdkgenDir },
    timeoutMs: 300_000,
  });
  const actual = await sha256(jar).catch(() => undefined);
  if (actual !== expected) {
    await rm(jar, { force: true });
    throw new Error(`openapi-generator ${version}: expected a jar with SHA-256 ${expected} at ${jar}, got ${actual ?? 'no file'}`);
  }
}

/** Runs `java -jar <generator> args…` (warnings and errors only in the log). */
export async function runGenerator(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const jar = await generatorJar();
  return runCommand('java', ['-Dlog.level=warn', '-jar', jar, ...args], { timeoutMs: 300_000, ...options });
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
