import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** A database created for one server or one test, and how to drop it. */
export interface ScratchDatabase {
  /** Its connection string (the admin's, with the database's name). */
  url: string;
  /** Drops it, closing the connections still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database on the PostgreSQL server `adminUrl` names (a database per server keeps
 * servers that share one PostgreSQL apart, whatever schema they use). No vitest here: the
 * Schemathesis CLI uses it too.
 */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `mmtel_${randomUUID().replace(/-/g, '')}`;
  await asAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => asAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function asAdmin(adminUrl: string, action: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await action(client);
  } finally {
    await client.end();
  }
}
