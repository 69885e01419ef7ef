// `pnpm start`: runs the compiled server (dist/main.js, the package's `mmtel-server` bin) with
// plain Node, building it first when it is missing or older than a source it is built from (this
// package's src/, the bundled workspace packages' src/, the bundled specs, the build config). The
// check costs a few milliseconds; a build, when needed, about a second (no declarations: running
// needs none).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const main = join(pkg, 'dist/main.js');
const sources = [
  join(pkg, 'src'),
  join(pkg, 'tsup.config.ts'),
  join(pkg, '../types/src'),
  join(pkg, '../validation/src'),
  join(pkg, '../../specs/bundled'),
];

/** The newest modification time under `path` (ms); 0 when it does not exist. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const built = newest(main);
if (built === 0 || sources.some((source) => newest(source) > built)) {
  execFileSync(join(pkg, 'node_modules/.bin/tsup'), ['--silent'], {
    cwd: pkg,
    stdio: 'inherit',
    env: { ...process.env, DECLARATIONS: 'off' },
  });
}
await import(main);
