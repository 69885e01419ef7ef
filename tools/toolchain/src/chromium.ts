import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { cacheDir } from './repo-paths.js';
import { runCommand } from './run-command.js';

/**
 * The Debian package installed when no Chromium is found. Not pinned to a revision: Debian's
 * mirrors keep only the current one (security updates replace it), and playwright-core speaks
 * the DevTools protocol that every recent Chromium keeps.
 */
export const CHROMIUM_PACKAGE = 'chromium';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * The path of a Chromium executable for the browser tests: `CHROMIUM_PATH` when set, else the
 * first of the usual system paths. Installs {@link CHROMIUM_PACKAGE} with apt-get first when none
 * is there and this process may (root on a Debian-like machine), like `ensurePostgresBin`; no
 * browser is ever downloaded from elsewhere. Otherwise the error says what to install.
 */
export async function ensureChromium(log: (line: string) => void = () => undefined): Promise<string> {
  const found = await findChromium();
  if (found) return found;
  const canInstall = process.getuid?.() === 0 && (await isExecutable('/usr/bin/apt-get'));
  if (!canInstall) {
    throw new Error(
      `Chromium not found (${CANDIDATES.join(', ')}). Install it (Debian: apt-get install ${CHROMIUM_PACKAGE}) or set CHROMIUM_PATH to a Chromium or Chrome executable.`,
    );
  }
  // Test projects set up in parallel processes: one installs, the others wait and find it.
  return withFileLock(join(cacheDir, 'apt-chromium.lock'), async () => (await findChromium()) ?? installChromium(log));
}

async function installChromium(log: (line: string) => void): Promise<string> {
  log(`Chromium missing: installing ${CHROMIUM_PACKAGE} with apt-get`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update', '-qq'], { env, timeoutMs: 300_000 });
  const install = ['install', '-y', '-qq', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confold'];
  await runCommand('apt-get', [...install, CHROMIUM_PACKAGE], { env, timeoutMs: 900_000 });
  const installed = await findChromium();
  if (!installed) throw new Error(`apt-get installed ${CHROMIUM_PACKAGE}, but no Chromium executable is found at ${CANDIDATES.join(', ')}`);
  return installed;
}

/** A Chromium executable, or undefined. */
export async function findChromium(): Promise<string | undefined> {
  const override = process.env['CHROMIUM_PATH'];
  if (override) return override;
  for (const candidate of CANDIDATES) if (await isExecutable(candidate)) return candidate;
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
