import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { connect, DEFAULT_TIMEOUTS } from '../../../src/store/postgres/connection.js';

const connectionString = inject('databaseUrl');

/** What `SHOW synchronous_commit` answers on a connection of a pool opened with `synchronousCommit`. */
async function synchronousCommitOf(synchronousCommit?: boolean): Promise<string | undefined> {
  const pool = connect(connectionString, 1, DEFAULT_TIMEOUTS, ...(synchronousCommit === undefined ? [] : [synchronousCommit]));
  try {
    const { rows } = await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    return rows[0]?.synchronous_commit;
  } finally {
    await pool.end();
  }
}

/** What PostgreSQL itself is set to (the test cluster may run without synchronous commits). */
async function serverSetting(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    return rows[0]?.synchronous_commit;
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL store with MMTEL_SYNCHRONOUS_COMMIT', () => {
  it('leaves synchronous_commit as PostgreSQL has it by default', async () => {
    expect(await synchronousCommitOf()).toBe(await serverSetting());
  });

  it('turns synchronous_commit off on its connections when asked', async () => {
    expect(await synchronousCommitOf(false)).toBe('off');
  });
});
