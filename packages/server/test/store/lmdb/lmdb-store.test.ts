import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openLmdbStore } from '../../../src/store/lmdb/lmdb-store.js';
import { describeStoreConformance } from '../store-conformance.js';

const root = await mkdtemp(join(tmpdir(), 'mmtel-lmdb-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describeStoreConformance('LMDB', (place, options) => openLmdbStore({ path: join(root, place), ...options }), {
  multiInstance: false,
});
