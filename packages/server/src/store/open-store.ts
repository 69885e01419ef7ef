import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openLmdbStore } from './lmdb/lmdb-store.js';
import type { Store } from './store.js';

/**
 * Opens the configured store: PostgreSQL when `databaseUrl` is set (several server instances may
 * share it), otherwise LMDB under `dataDir` (one server process). `leaseMs` is the lease of a
 * claimed notification (`MMTEL_NOTIFY_LEASE_MS`; default 90 s); `synchronousCommit` false lets a
 * durable write answer once committed, before it is flushed to disk (`MMTEL_SYNCHRONOUS_COMMIT`);
 * `pgPoolSize` is the PostgreSQL pool's size (`MMTEL_PG_POOL_SIZE`; default 10).
 */
export async function openStore(config: {
  dataDir: string;
  databaseUrl?: string | undefined;
  pgPoolSize?: number | undefined;
  leaseMs?: number | undefined;
  synchronousCommit?: boolean | undefined;
}): Promise<Store> {
  const lease = {
    ...(config.leaseMs !== undefined && { leaseMs: config.leaseMs }),
    ...(config.synchronousCommit !== undefined && { synchronousCommit: config.synchronousCommit }),
  };
  if (config.databaseUrl !== undefined && config.databaseUrl !== '') {
    // Loaded only for PostgreSQL: pg is ~70–150 ms of module loading that an LMDB start does not need.
    const { openPostgresStore } = await import('./postgres/postgres-store.js');
    return openPostgresStore({
      connectionString: config.databaseUrl,
      ...(config.pgPoolSize !== undefined && { poolSize: config.pgPoolSize }),
      ...lease,
    });
  }
  await mkdir(config.dataDir, { recursive: true });
  return openLmdbStore({ path: join(config.dataDir, 'store'), ...lease });
}
