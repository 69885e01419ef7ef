/**
 * `pnpm --filter @mmtel/toolchain lock-python <requirements.in>…`: writes `<name>.lock` beside each
 * `<name>.in`, every package (dependencies included) pinned with `==` and its hashes, with the
 * pinned pip-tools (python/pip-tools.lock) in an environment of its own. Run it after editing a
 * `.in` file; `ensurePythonEnv` installs from the lock alone.
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePythonEnv } from './python-env.js';
import { repoRoot } from './repo-paths.js';

const inputs = process.argv.slice(2);
if (inputs.length === 0) {
  process.stderr.write('usage: lock-python <requirements.in>…\n');
  process.exit(2);
}
// pnpm runs scripts in the package directory; paths are given from where the user typed them.
const cwd = process.env['INIT_CWD'] ?? process.cwd();
const pipTools = await ensurePythonEnv({
  name: 'pip-tools',
  lockFile: fileURLToPath(new URL('../python/pip-tools.lock', import.meta.url)),
  log: (line) => process.stderr.write(`${line}\n`),
});
for (const input of inputs.map((path) => resolve(cwd, path))) {
  const output = input.replace(/\.in$/, '') + '.lock';
  const shown = relative(repoRoot, input);
  await pipTools.run(
    [
      '-m',
      'piptools',
      'compile',
      '--quiet',
      '--generate-hashes',
      '--allow-unsafe',
      '--strip-extras',
      '--no-emit-find-links',
      '--output-file',
      relative(repoRoot, output),
      shown,
    ],
    {
      // Relative paths from the root: the lock names its input (`# via -r …`) as given, and must
      // not carry this machine's directories.
      cwd: repoRoot,
      timeoutMs: 600_000,
      env: { CUSTOM_COMPILE_COMMAND: `pnpm --filter @mmtel/toolchain lock-python ${shown}` },
      onOutput: (chunk) => process.stderr.write(chunk),
    },
  );
  process.stdout.write(`wrote ${relative(repoRoot, output)}\n`);
}
