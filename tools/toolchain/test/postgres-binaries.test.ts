import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePostgresBin } from '../src/postgres-binaries.js';

describe('ensurePostgresBin', () => {
  it('finds (or installs) a directory holding initdb and pg_ctl', async () => {
    const bin = await ensurePostgresBin();
    await expect(access(join(bin, 'initdb'))).resolves.toBeUndefined();
    await expect(access(join(bin, 'pg_ctl'))).resolves.toBeUndefined();
  });
});
