import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openLmdbStore } from '../../../src/store/lmdb/lmdb-store.js';
import { describeStoreConformance } from '../store-conformance.js';

const root = await mkdtemp(join(tmpdir(), 'mmtel-lmdb-'));
afterAll(() => rm(root, { recursive: true, force: true }));

// Known gaps (fuzz-seeds.md, issue 15): a lookup of a key over LMDB's 1978-byte limit throws
// (the HTTP routes refuse ids over 100 characters first), and the binary state record writes
// stream, target and last error as UTF-8, which turns a lone surrogate into U+FFFD.
describeStoreConformance('LMDB', (place, options) => openLmdbStore({ path: join(root, place), ...options }), {
  multiInstance: false,
  knownGaps: ['over-long ids', 'lone surrogates in outbox text'],
});
