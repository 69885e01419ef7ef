import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { cacheDir } from './repo-paths.js';
import { runCommand } from './run-command.js';

/** A tool the tests need that a Debian package provides. */
export interface DebianTool<T> {
  /** The Debian package that provides it, e.g. `postgresql-15`. */
  package: string;
  /** Finds the installed tool (a path), or undefined. */
  find: () => Promise<T | undefined>;
  /** Said when it is missing and cannot be installed here: what to install or set instead. */
  missing: string;
  /** Run once before the install (e.g. configuration the package reads when it is installed). */
  prepare?: () => Promise<void>;
  /** Per-package apt-get timeout (a browser takes longer than a database). */
  timeoutMs?: number;
}

/**
 * The tool `find` finds; when it finds nothing and this process may install (root on a machine
 * with apt-get), installs the package first, so that a fresh machine needs nothing done by hand.
 * Test projects set up in parallel processes: one installs under a file lock, the others wait and
 * find it. The package name may pin a major version; not the Debian revision, since Debian's
 * mirrors keep only the current one (a security update would break every fresh machine).
 */
export async function ensureDebianTool<T>(tool: DebianTool<T>, log: (line: string) => void = () => undefined): Promise<T> {
  const found = await tool.find();
  if (found !== undefined) return found;
  const canInstall = process.getuid?.() === 0 && (await isExecutable('/usr/bin/apt-get'));
  if (!canInstall) throw new Error(tool.missing);
  return withFileLock(join(cacheDir, `apt-${tool.package}.lock`), async () => {
    const again = await tool.find();
    if (again !== undefined) return again;
    log(`${tool.package} missing: installing it with apt-get`);
    await tool.prepare?.();
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    await runCommand('apt-get', ['update', '-qq'], { env, timeoutMs: 300_000 });
    const install = ['install', '-y', '-qq', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confold'];
    await runCommand('apt-get', [...install, tool.package], { env, timeoutMs: tool.timeoutMs ?? 600_000 });
    const installed = await tool.find();
    if (installed === undefined) throw new Error(`apt-get installed ${tool.package}, but it is still not found. ${tool.missing}`);
    return installed;
  });
}

/** Whether `path` exists and can be accessed (the tools' executables). */
export async function isExecutable(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
