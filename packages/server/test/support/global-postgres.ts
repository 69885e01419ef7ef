import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL server for integration tests: `DATABASE_URL`, or a cluster started for this run. */
    databaseUrl: string;
  }
}

/**
 * Vitest global set-up: provides `databaseUrl` to the tests (`inject('databaseUrl')`), starting one
 * private PostgreSQL cluster for the whole run unless `DATABASE_URL` names a server already.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env['DATABASE_URL'];
  if (given !== undefined && given !== '') {
    project.provide('databaseUrl', given);
    return async () => undefined;
  }
  const postgres = await startPostgres();
  project.provide('databaseUrl', postgres.url);
  return () => postgres.stop();
}
