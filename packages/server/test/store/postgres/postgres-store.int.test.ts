import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { describeStoreConformance } from '../store-conformance.js';

const connectionString = inject('databaseUrl');
// One schema per test, under a prefix of this file's own, so that runs sharing a DATABASE_URL do not meet.
const prefix = `store_conformance_${randomUUID().slice(0, 8)}`;
const schemas = new Set<string>();

afterAll(async () => {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
});

describeStoreConformance(
  'PostgreSQL',
  (place, options) => {
    const schema = `${prefix}_${place}`;
    schemas.add(schema);
    return openPostgresStore({ connectionString, schema, ...options });
  },
  { multiInstance: true },
);
