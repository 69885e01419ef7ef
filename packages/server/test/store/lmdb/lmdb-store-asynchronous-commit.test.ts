import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openLmdbStore } from '../../../src/store/lmdb/lmdb-store.js';
import { describeStoreConformance } from '../store-conformance.js';

const root = await mkdtemp(join(tmpdir(), 'mmtel-lmdb-async-'));
afterAll(() => rm(root, { recursive: true, force: true }));

// MMTEL_SYNCHRONOUS_COMMIT=off changes when a durable write answers (committed, not yet fsynced),
// never what the store does: the whole contract holds as with synchronous commits.
describeStoreConformance(
  'LMDB with synchronous commit off',
  (place, options) => openLmdbStore({ path: join(root, place), synchronousCommit: false, ...options }),
  { multiInstance: false },
);
