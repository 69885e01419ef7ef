import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import ts from 'typescript';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { StoreVersionError } from '../../../src/store/store-errors.js';

const connectionString = inject('databaseUrl');
const prefix = `store_schema_${randomUUID().slice(0, 8)}`;
const schemas: string[] = [];
const freshSchema = () => {
  schemas.push(`${prefix}_${schemas.length + 1}`);
  return schemas.at(-1)!;
};

const SRC_STORE = fileURLToPath(new URL('../../../src/store/', import.meta.url));
// Under the package's node_modules, so that the compiled modules find pg and lmdb as the sources do.
const BUILD = fileURLToPath(new URL(`../../../node_modules/.cache/store-build-${randomUUID().slice(0, 8)}/`, import.meta.url));

async function admin<T>(action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await rm(BUILD, { recursive: true, force: true });
  await admin(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  });
});

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** Compiles src/store to JavaScript under `out`, as a build would; copies the .sql files when asked. */
async function buildStore(out: string, { withSql }: { withSql: boolean }): Promise<void> {
  for (const file of await filesUnder(SRC_STORE)) {
    const target = join(out, file);
    await mkdir(dirname(target), { recursive: true });
    if (file.endsWith('.ts')) {
      const { outputText } = ts.transpileModule(await readFile(join(SRC_STORE, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      });
      await writeFile(target.replace(/\.ts$/, '.js'), outputText);
    } else if (file.endsWith('.sql') && withSql) {
      await copyFile(join(SRC_STORE, file), target);
    }
  }
}

async function importCompiled(out: string): Promise<typeof openPostgresStore> {
  const module = (await import(pathToFileURL(join(out, 'postgres', 'postgres-store.js')).href)) as {
    openPostgresStore: typeof openPostgresStore;
  };
  return module.openPostgresStore;
}

describe('the PostgreSQL store schema', () => {
  it('refuses a schema that another version created, with StoreVersionError, and changes nothing', async () => {
    const schema = freshSchema();
    await (await openPostgresStore({ connectionString, schema })).close();
    await admin((client) => client.query(`UPDATE ${pg.escapeIdentifier(schema)}.store_meta SET value = '2' WHERE key = 'schema_version'`));
    await admin((client) => client.query(`DROP TABLE ${pg.escapeIdentifier(schema)}.notification_targets`));
    const opening = openPostgresStore({ connectionString, schema });
    await expect(opening).rejects.toBeInstanceOf(StoreVersionError);
    await expect(opening).rejects.toThrow(
      `in schema ${schema} was written by another version of the server (schema version 2); this version reads schema version 1`,
    );
    const { rows } = await admin((client) => client.query(`SELECT to_regclass($1) AS table`, [`${schema}.notification_targets`]));
    expect(rows[0]?.table).toBeNull();
  });

  it('finds its .sql files beside its modules when compiled to another directory', async () => {
    const out = join(BUILD, 'with-sql');
    await buildStore(out, { withSql: true });
    const open = await importCompiled(out);
    const store = await open({ connectionString, schema: freshSchema() });
    try {
      const [entry] = await store.outbox.enqueue([
        { stream: 'a', callback: 'imsSessionNotification', target: 'http://af.example/n', body: {} },
      ]);
      expect((await store.outbox.claim({ owner: 'i1', now: Date.now(), limit: 1 })).map((e) => e.id)).toEqual([entry?.id]);
    } finally {
      await store.close();
    }
  });

  it('names the .sql file it cannot find when a build left them out', async () => {
    const out = join(BUILD, 'without-sql');
    await buildStore(out, { withSql: false });
    const open = await importCompiled(out);
    await expect(open({ connectionString, schema: freshSchema() })).rejects.toThrow(`cannot read ${join(out, 'postgres', 'schema.sql')}`);
  });
});
