import { access, mkdir, readdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { cacheDir } from './repo-paths.js';
import { runCommand } from './run-command.js';

/**
 * The Debian package installed when the server binaries are missing. The major version is pinned;
 * the exact Debian revision is left to the distribution, whose mirrors drop superseded revisions
 * (a security update would otherwise break every fresh machine).
 */
export const POSTGRES_PACKAGE = 'postgresql-15';

/**
 * The directory holding `initdb` and `pg_ctl`: the newest `/usr/lib/postgresql/<major>/bin`, else
 * the first directory on PATH with both. Installs {@link POSTGRES_PACKAGE} with apt-get first when
 * neither has them and this process may (root on a Debian-like machine), so that a fresh machine
 * needs nothing done by hand; otherwise the error says what to install.
 */
export async function ensurePostgresBin(log: (line: string) => void = () => undefined): Promise<string> {
  const found = await findPostgresBin();
  if (found) return found;
  const canInstall = process.getuid?.() === 0 && (await isExecutable('/usr/bin/apt-get'));
  if (!canInstall) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH. ' +
        `Install them (Debian: apt-get install ${POSTGRES_PACKAGE}) or set DATABASE_URL to a server the tests may use.`,
    );
  }
  // Test projects set up in parallel processes: one installs, the others wait and find it.
  return withFileLock(join(cacheDir, 'apt-postgresql.lock'), async () => (await findPostgresBin()) ?? installPostgres(log));
}

async function installPostgres(log: (line: string) => void): Promise<string> {
  log(`PostgreSQL server binaries missing: installing ${POSTGRES_PACKAGE} with apt-get`);
  // The tests start clusters of their own: Debian's default cluster would only take memory and port 5432.
  await mkdir('/etc/postgresql-common', { recursive: true });
  await writeFile('/etc/postgresql-common/createcluster.conf', 'create_main_cluster = false\n', { flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update', '-qq'], { env, timeoutMs: 300_000 });
  const install = ['install', '-y', '-qq', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confold'];
  await runCommand('apt-get', [...install, POSTGRES_PACKAGE], { env, timeoutMs: 600_000 });
  const installed = await findPostgresBin();
  if (!installed) throw new Error(`apt-get installed ${POSTGRES_PACKAGE}, but initdb and pg_ctl are still not found`);
  return installed;
}

/** The directory holding `initdb` and `pg_ctl`, or undefined. */
export async function findPostgresBin(): Promise<string | undefined> {
  const root = '/usr/lib/postgresql';
  const majors = (await readdir(root).catch(() => [])).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  const candidates = [...majors.map((major) => join(root, major, 'bin')), ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean)];
  for (const candidate of candidates) {
    const tools = await Promise.all(['initdb', 'pg_ctl'].map((tool) => isExecutable(join(candidate, tool))));
    if (tools.every(Boolean)) return candidate;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
