import { ensureDebianTool, isExecutable } from './debian-package.js';

/**
 * The Debian package installed when no Chromium is found. Not pinned to a revision (see
 * ensureDebianTool): playwright-core speaks the DevTools protocol that every recent Chromium keeps.
 */
export const CHROMIUM_PACKAGE = 'chromium';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * The path of a Chromium executable for the browser tests: `CHROMIUM_PATH` when set, else the
 * first of the usual system paths, installing {@link CHROMIUM_PACKAGE} first when there is none
 * (ensureDebianTool); no browser is ever downloaded from elsewhere.
 */
export function ensureChromium(log?: (line: string) => void): Promise<string> {
  return ensureDebianTool(
    {
      package: CHROMIUM_PACKAGE,
      find: findChromium,
      missing: `Chromium not found (${CANDIDATES.join(', ')}). Install it (Debian: apt-get install ${CHROMIUM_PACKAGE}) or set CHROMIUM_PATH to a Chromium or Chrome executable.`,
      timeoutMs: 900_000,
    },
    log,
  );
}

/** A Chromium executable, or undefined. */
export async function findChromium(): Promise<string | undefined> {
  const override = process.env['CHROMIUM_PATH'];
  if (override) return override;
  for (const candidate of CANDIDATES) if (await isExecutable(candidate)) return candidate;
  return undefined;
}
