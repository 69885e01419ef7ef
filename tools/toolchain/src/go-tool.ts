import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { cacheDir } from './repo-paths.js';
import { runCommand } from './run-command.js';

/** Which Go program to install. */
export interface GoToolSpec {
  /** The module path of the main package (`github.com/oasdiff/oasdiff`). */
  module: string;
  /** An exact version (`v1.39.0`): `go install` of a tag through the module proxy, checked against the checksum database. */
  version: string;
  /** The Go release the module's go.mod asks for (`1.26`): older ones fail with a clear message. */
  minimumGo: string;
  /** Progress lines (installation only; an installed tool says nothing). */
  log?: (line: string) => void;
}

/**
 * The path of the program of `spec`, built on first use with `go install module@version` into
 * `.cache/go/bin/<name>@<version>/` (module and build caches under `.cache/go/` too, so a clean
 * clone starts clean and `rm -rf .cache` removes everything) and reused afterwards. Needs Go on
 * PATH; GOTOOLCHAIN=local keeps `go` from fetching another toolchain. Safe to call from parallel
 * test files: one builds, the others wait for it.
 */
export async function ensureGoTool(spec: GoToolSpec): Promise<string> {
  const name = spec.module.split('/').at(-1)!;
  const binDir = join(cacheDir, 'go', 'bin', `${name}@${spec.version}`);
  const binary = join(binDir, name);
  if (await exists(binary)) return binary;
  return withFileLock(`${binDir}.lock`, async () => {
    if (await exists(binary)) return binary;
    await checkGo(spec.minimumGo);
    spec.log?.(`installing ${spec.module}@${spec.version} into ${binDir}`);
    await runCommand('go', ['install', `${spec.module}@${spec.version}`], {
      timeoutMs: 900_000,
      env: {
        GOBIN: binDir,
        GOMODCACHE: join(cacheDir, 'go', 'mod'),
        GOCACHE: join(cacheDir, 'go', 'build'),
        // Module cache files writable, so that removing .cache needs no `go clean -modcache`.
        GOFLAGS: '-modcacherw -buildvcs=false',
        GOTOOLCHAIN: 'local',
      },
    });
    return binary;
  });
}

/** Checks that `go` on PATH is at least `minimum` (`1.26`); the error says what to install. */
async function checkGo(minimum: string): Promise<void> {
  const result = await runCommand('go', ['env', 'GOVERSION'], { allowFailure: true }).catch(() => undefined);
  const found = /go(\d+)\.(\d+)/.exec(result?.stdout ?? '');
  const [wantMajor = 0, wantMinor = 0] = minimum.split('.').map(Number);
  const ok = found !== null && (Number(found[1]) > wantMajor || (Number(found[1]) === wantMajor && Number(found[2]) >= wantMinor));
  if (!ok) {
    throw new Error(
      `Go ≥ ${minimum} is needed to build this tool (${found ? found[0] : 'go not found on PATH'}). ` +
        "Install it from the Go project's release archives or a distribution package of that version.",
    );
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
