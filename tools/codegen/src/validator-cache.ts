import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { codegenCacheDir } from './cache-dir.js';

/** A compiled Ajv validator: a function, with Ajv's errors after a failed call. */
export type CompiledValidator<E> = ((data: unknown) => boolean) & { errors?: E[] | null };

/** What `cachedValidator` needs to compile a schema the way its caller would. */
export interface ValidatorSource {
  /** What makes the validator: the schema, the Ajv options, the Ajv build (name and version). */
  identity: unknown;
  /** `require` of the Ajv that compiles (its runtime helpers are resolved with it). */
  ajvRequire: NodeJS.Require;
  /** Compiles the schema with an Ajv made with `code: { source: true }` (standalone code needs it). */
  compile(): { ajv: unknown; validate: CompiledValidator<unknown> };
  /** Where the module is kept; `validators` in the generator's cache directory unless given. */
  dir?: string;
}

const requireCached = createRequire(import.meta.url);

/**
 * An Ajv validator compiled once per schema, options and Ajv version, then kept as the module
 * Ajv's `standaloneCode` makes of it: the same generated validation code, errors included, that
 * `compile` builds with `new Function`, so a later run loads it instead of compiling again
 * (compiling the OpenAPI 3.0 schema costs ~300 ms). The module's `require`s of Ajv's runtime
 * helpers are pinned to the files the compiling Ajv resolves. The modules are named after the
 * hash of `identity` and written whole, then renamed (a concurrent run reads all of one or nothing).
 */
export function cachedValidator<E>(source: ValidatorSource): CompiledValidator<E> {
  const key = createHash('sha256').update(JSON.stringify(source.identity)).digest('hex').slice(0, 24);
  const dir = source.dir ?? join(codegenCacheDir(), 'validators');
  const file = join(dir, `${key}.cjs`);
  try {
    return requireCached(file) as CompiledValidator<E>;
  } catch {
    // Not made yet (or unreadable): compiled below and kept for the next run.
  }
  const { ajv, validate } = source.compile();
  try {
    const { default: standaloneCode } = source.ajvRequire('ajv/dist/standalone') as {
      default: (ajv: unknown, validate: unknown) => string;
    };
    const code = standaloneCode(ajv, validate).replace(
      /require\("([^"]+)"\)/g,
      (_, id: string) => `require(${JSON.stringify(source.ajvRequire.resolve(id))})`,
    );
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${file}.${process.pid}`, code);
    renameSync(`${file}.${process.pid}`, file);
    // The kept module from the first run on, so that every run validates with the same code.
    return requireCached(file) as CompiledValidator<E>;
  } catch {
    // A validator that cannot be kept costs the next run a compile, never a check.
    return validate as CompiledValidator<E>;
  }
}
