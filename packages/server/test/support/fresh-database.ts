import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject, onTestFinished } from 'vitest';

/**
 * Creates a database of its own on the test run's PostgreSQL (`inject('databaseUrl')`) and returns
 * its connection string; `onFinished` (by default the end of the current test) drops it.
 */
export async function freshDatabase(onFinished: (drop: () => Promise<void>) => void = onTestFinished): Promise<string> {
  const admin = inject('databaseUrl');
  const name = `mmtel_${randomUUID().replace(/-/g, '')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  onFinished(async () => {
    const dropping = new pg.Client({ connectionString: admin });
    await dropping.connect();
    try {
      await dropping.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await dropping.end();
    }
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
