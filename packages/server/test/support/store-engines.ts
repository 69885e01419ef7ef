import type {} from './global-postgres.js';
import { createScratchDatabase } from './scratch-database.js';

/** The two store engines of the reference server: LMDB (embedded, the default) and PostgreSQL (`DATABASE_URL`). */
export type StoreEngine = 'lmdb' | 'postgres';

/** Both engines, in the order suites run them. */
export const STORE_ENGINES: readonly StoreEngine[] = ['lmdb', 'postgres'];

/** What puts one reference server on an engine. */
export interface EngineSetting {
  engine: StoreEngine;
  /** Environment to add to the server's: nothing for LMDB, `DATABASE_URL` for PostgreSQL. */
  env: Record<string, string>;
  /** Removes what was made for it (the PostgreSQL database), once the server is closed. */
  release(): Promise<void>;
}

/**
 * The setting of one server on `engine`: LMDB needs nothing (startReferenceServer gives it a
 * temporary directory); PostgreSQL gets a database of its own on the server `adminUrl` names (the
 * test run's, `inject('databaseUrl')`), so that servers never see each other's sessions.
 */
export async function engineSetting(engine: StoreEngine, adminUrl: string | undefined): Promise<EngineSetting> {
  if (engine === 'lmdb') return { engine, env: {}, release: async () => undefined };
  if (adminUrl === undefined || adminUrl === '')
    throw new Error(
      'the PostgreSQL engine needs a PostgreSQL server: no databaseUrl was provided (globalSetup test/support/global-postgres.ts)',
    );
  const database = await createScratchDatabase(adminUrl);
  return { engine, env: { DATABASE_URL: database.url }, release: database.drop };
}
