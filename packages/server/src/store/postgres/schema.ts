import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { StoreVersionError } from '../store-errors.js';
import type { PostgresPool } from './connection.js';

/** Stored under store_meta 'schema_version'; bump on a change of schema.sql older servers cannot read. */
const SCHEMA_VERSION = '1';

/**
 * The SQL files, resolved against this module rather than the working directory, so that they
 * are found wherever the module runs from: src/ under tsx, or a build output they are copied into.
 */
const SQL_FILES = {
  schema: new URL('./schema.sql', import.meta.url),
  functions: new URL('./outbox-functions.sql', import.meta.url),
};

/** The schema-qualified names of the store's tables and functions. */
export interface TableNames {
  sessions: string;
  streams: string;
  outbox: string;
  targets: string;
  meta: string;
  rateLimits: string;
  enqueueFn: string;
  finishFn: string;
}

/** The names in `schema`, or unqualified (the connection's current schema) without one. */
export function tableNames(schema: string | undefined): TableNames {
  const prefix = schema === undefined ? '' : `${pg.escapeIdentifier(schema)}.`;
  return {
    sessions: `${prefix}sessions`,
    streams: `${prefix}outbox_streams`,
    outbox: `${prefix}outbox`,
    targets: `${prefix}notification_targets`,
    meta: `${prefix}store_meta`,
    rateLimits: `${prefix}rate_limits`,
    enqueueFn: `${prefix}outbox_enqueue`,
    finishFn: `${prefix}outbox_finish`,
  };
}

/**
 * Creates what is missing of the store's schema (schema.sql, outbox-functions.sql) in `schema`,
 * or in the connection's current schema without one. Instances starting together take turns
 * (an advisory lock), so that they do not race on CREATE. Rejects with StoreVersionError if
 * another version of the server created the schema.
 */
export async function createSchema(db: PostgresPool, schema: string | undefined): Promise<void> {
  const tables = await readSql(SQL_FILES.schema);
  const functions = await readSql(SQL_FILES.functions);
  await db.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`mmtel-store:${schema ?? ''}`]);
    if (schema !== undefined) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
      await client.query(`SET LOCAL search_path TO ${pg.escapeIdentifier(schema)}`);
    }
    // Checked before any DDL runs: another version's tables may not take this version's indexes.
    const {
      rows: [meta],
    } = await client.query<{ present: boolean }>(`SELECT to_regclass('store_meta') IS NOT NULL AS present`);
    const found =
      meta?.present === true
        ? (await client.query<{ value: string }>(`SELECT value FROM store_meta WHERE key = 'schema_version'`)).rows[0]?.value
        : undefined;
    if (found !== undefined && found !== SCHEMA_VERSION) {
      throw new StoreVersionError(
        `PostgreSQL store ${schema === undefined ? 'in the current schema' : `in schema ${schema}`}`,
        `schema version ${found}`,
        `schema version ${SCHEMA_VERSION}`,
        'use another database or schema, or run the server version that created it',
      );
    }
    await client.query(tables);
    await client.query(functions);
    await client.query(`INSERT INTO store_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO NOTHING`, [SCHEMA_VERSION]);
  });
}

/** The text of an SQL file; a missing one is named with where it was looked for. */
async function readSql(url: URL): Promise<string> {
  try {
    return await readFile(url, 'utf8');
  } catch (error) {
    throw new Error(
      `PostgreSQL store: cannot read ${fileURLToPath(url)}: the .sql files of src/store/postgres must sit beside its compiled modules`,
      { cause: error },
    );
  }
}
