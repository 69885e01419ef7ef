import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensurePythonEnv } from '../src/python-env.js';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

describe('ensurePythonEnv', () => {
  it('builds an environment from a hash-pinned lock whose interpreter imports the locked package', async () => {
    const env = await ensurePythonEnv({ name: 'toolchain-test', lockFile: fixture('six.lock') });
    const result = await env.run(['-c', 'import six; print(six.__version__)']);
    expect(result.stdout.trim()).toBe('1.17.0');
  });

  it('reuses a built environment instead of building it again', async () => {
    const first = await ensurePythonEnv({ name: 'toolchain-test', lockFile: fixture('six.lock') });
    const builtAt = (await stat(join(first.dir, '.ready'))).mtimeMs;
    const second = await ensurePythonEnv({ name: 'toolchain-test', lockFile: fixture('six.lock') });
    expect(second.dir).toBe(first.dir);
    expect((await stat(join(second.dir, '.ready'))).mtimeMs).toBe(builtAt);
  });

  it('refuses a package whose hash does not match its lock', async () => {
    await expect(ensurePythonEnv({ name: 'toolchain-test-tampered', lockFile: fixture('six-tampered.lock') })).rejects.toThrow(/HASH|hash/);
  });
});
