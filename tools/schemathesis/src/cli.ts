/**
 * `pnpm schemathesis`: the long Schemathesis pass, a random seed and many examples per operation,
 * against a reference server per authentication mode and store engine, for both APIs. Prints
 * Schemathesis' own output as it runs, then one line per pass and, for a failed pass, how to run it
 * again and how to replay each failing case. The PostgreSQL engine uses `DATABASE_URL` (a database
 * of its own is created there per server), or starts a private PostgreSQL as the tests do.
 *
 *   pnpm schemathesis [--api callcontrol|callevent] [--auth none|oauth2] [--engine lmdb|postgres] [--seed N] [--max-examples N] [--workers N]
 *   pnpm schemathesis --api callcontrol --auth none --engine lmdb --replay <case id> [--from long|ci]
 */
import { parseArgs } from 'node:util';
import { startPostgres } from '../../../packages/server/test/support/postgres.js';
import {
  APIS,
  type Api,
  type AuthMode,
  type PassResult,
  randomSeed,
  replayCase,
  runPass,
  schemathesisEnv,
  startTarget,
  type StoreEngine,
} from './schemathesis-run.js';

const DEFAULT_MAX_EXAMPLES = 500;
const USAGE = `pnpm schemathesis [--api callcontrol|callevent|all] [--auth none|oauth2|all] [--engine lmdb|postgres|all] [--seed N] [--max-examples N] [--workers N]
pnpm schemathesis --api <api> --auth <mode> --engine <engine> --replay <case id> [--from long|ci]
`;

const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    auth: { type: 'string' },
    engine: { type: 'string' },
    seed: { type: 'string' },
    'max-examples': { type: 'string' },
    workers: { type: 'string' },
    replay: { type: 'string' },
    from: { type: 'string', default: 'long' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const apis = choose<Api>('api', values.api, Object.keys(APIS) as Api[]);
const modes = choose<AuthMode>('auth', values.auth, ['none', 'oauth2']);
const engines = choose<StoreEngine>('engine', values.engine, ['lmdb', 'postgres']);
const print = (chunk: string) => process.stdout.write(chunk);
/** Stops the PostgreSQL this run started, if it started one. */
let stopPostgres: (() => Promise<void>) | undefined;

const databaseUrl = engines.includes('postgres') ? await postgresServer() : undefined;

if (values.replay !== undefined) {
  if (apis.length !== 1 || modes.length !== 1 || engines.length !== 1)
    fail('--replay needs --api, --auth and --engine: the pass the case comes from');
  const code = await replayCase({
    api: apis[0]!,
    mode: modes[0]!,
    engine: engines[0]!,
    ...(databaseUrl !== undefined && { databaseUrl }),
    label: values.from,
    caseId: values.replay,
    onOutput: print,
  });
  await stopPostgres?.();
  process.exit(code ?? 1);
}

const seed = values.seed !== undefined ? integer('seed', values.seed) : randomSeed();
const maxExamples = values['max-examples'] !== undefined ? integer('max-examples', values['max-examples']) : DEFAULT_MAX_EXAMPLES;
const workers = values.workers !== undefined ? integer('workers', values.workers) : 1;
process.stdout.write(
  `Schemathesis: seed ${seed}, ${maxExamples} examples per operation, ${workers} worker(s); ${apis.join(', ')} × MMTEL_AUTH=${modes.join(', ')} × ${engines.join(', ')}\n`,
);

const env = await schemathesisEnv((line) => process.stderr.write(`${line}\n`));
const results: PassResult[] = [];
try {
  for (const engine of engines) {
    for (const mode of modes) {
      const target = await startTarget(mode, { engine, ...(databaseUrl !== undefined && { databaseUrl }) });
      try {
        for (const api of apis) {
          process.stdout.write(`\n━━ ${APIS[api].title}, MMTEL_AUTH=${mode}, ${engine}, ${target.apiRoot}${APIS[api].basePath}\n`);
          results.push(await runPass({ target, api, seed, maxExamples, workers, label: 'long', env, onOutput: print }));
        }
      } finally {
        await target.close();
      }
    }
  }
} finally {
  await stopPostgres?.();
}

process.stdout.write('\n━━ Schemathesis passes\n');
for (const result of results) {
  const verdict = result.passed ? 'passed' : `FAILED (exit ${result.exitCode})`;
  const stateful = result.linkSummary?.replace(/\s+/g, ' ') ?? 'no stateful phase';
  process.stdout.write(
    `${APIS[result.api].title}, MMTEL_AUTH=${result.mode}, ${result.engine}, seed ${result.seed}: ${verdict} in ${(result.durationMs / 1000).toFixed(0)} s; ${stateful}\n`,
  );
  if (!result.passed) process.stdout.write(`${result.replay.replace(/^/gm, '  ')}\n`);
}
process.exit(results.every((r) => r.passed) ? 0 : 1);

/** `DATABASE_URL`, or a private PostgreSQL cluster started for this run (as the tests start one). */
async function postgresServer(): Promise<string> {
  const given = process.env['DATABASE_URL'];
  if (given !== undefined && given !== '') return given;
  const postgres = await startPostgres();
  stopPostgres = () => postgres.stop();
  return postgres.url;
}

function choose<T extends string>(name: string, value: string | undefined, all: readonly T[]): T[] {
  if (value === undefined || value === 'all') return [...all];
  if (!all.includes(value as T)) fail(`--${name} must be one of ${all.join(', ')} or all, not ${value}`);
  return [value as T];
}

function integer(name: string, value: string): number {
  if (!/^\d+$/.test(value)) fail(`--${name} must be a whole number, not ${value}`);
  return Number(value);
}

function fail(message: string): never {
  process.stderr.write(`pnpm schemathesis: ${message}\n${USAGE}`);
  process.exit(2);
}
