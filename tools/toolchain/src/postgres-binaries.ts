import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { ensureDebianTool, isExecutable } from './debian-package.js';

/**
 * The Debian package installed when the server binaries are missing. The major version is pinned;
 * the Debian revision is left to the distribution (see ensureDebianTool).
 */
export const POSTGRES_PACKAGE = 'postgresql-15';

/**
 * The directory holding `initdb` and `pg_ctl`: the newest `/usr/lib/postgresql/<major>/bin`, else
 * the first directory on PATH with both, installing {@link POSTGRES_PACKAGE} first when neither
 * has them (ensureDebianTool).
 */
export function ensurePostgresBin(log?: (line: string) => void): Promise<string> {
  return ensureDebianTool(
    {
      package: POSTGRES_PACKAGE,
      find: findPostgresBin,
      missing:
        'PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH. ' +
        `Install them (Debian: apt-get install ${POSTGRES_PACKAGE}) or set DATABASE_URL to a server the tests may use.`,
      prepare: noDefaultCluster,
    },
    log,
  );
}

/** The tests start clusters of their own: Debian's default cluster would only take memory and port 5432. */
async function noDefaultCluster(): Promise<void> {
  await mkdir('/etc/postgresql-common', { recursive: true });
  await writeFile('/etc/postgresql-common/createcluster.conf', 'create_main_cluster = false\n', { flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
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
