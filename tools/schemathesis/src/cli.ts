/**
 * `pnpm schemathesis`: the long Schemathesis pass, a random seed and many examples per operation,
 * against a reference server per authentication mode, for both APIs. Prints Schemathesis' own
 * output as it runs, then one line per pass and, for a failed pass, how to run it again and how to
 * replay each failing case.
 *
 *   pnpm schemathesis [--api callcontrol|callevent] [--auth none|oauth2] [--seed N] [--max-examples N] [--workers N]
 *   pnpm schemathesis --api callcontrol --auth none --replay <case id> [--from long|ci]
 */
import { parseArgs } from 'node:util';
import { APIS, type Api, type AuthMode, type PassResult, randomSeed, replayCase, runPass, schemathesisEnv, startTarget } from './schemathesis-run.js';

const DEFAULT_MAX_EXAMPLES = 500;
const USAGE = `pnpm schemathesis [--api callcontrol|callevent|all] [--auth none|oauth2|all] [--seed N] [--max-examples N] [--workers N]
pnpm schemathesis --api <api> --auth <mode> --replay <case id> [--from long|ci]
`;

const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    auth: { type: 'string' },
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
const print = (chunk: string) => process.stdout.write(chunk);

if (values.replay !== undefined) {
  if (apis.length !== 1 || modes.length !== 1) fail('--replay needs --api and --auth: the pass the case comes from');
  const code = await replayCase({ api: apis[0]!, mode: modes[0]!, label: values.from, caseId: values.replay, onOutput: print });
  process.exit(code ?? 1);
}

const seed = values.seed !== undefined ? integer('seed', values.seed) : randomSeed();
const maxExamples = values['max-examples'] !== undefined ? integer('max-examples', values['max-examples']) : DEFAULT_MAX_EXAMPLES;
const workers = values.workers !== undefined ? integer('workers', values.workers) : 1;
process.stdout.write(`Schemathesis: seed ${seed}, ${maxExamples} examples per operation, ${workers} worker(s); ${apis.join(', ')} × MMTEL_AUTH=${modes.join(', ')}\n`);

const env = await schemathesisEnv((line) => process.stderr.write(`${line}\n`));
const results: PassResult[] = [];
for (const mode of modes) {
  const target = await startTarget(mode);
  try {
    for (const api of apis) {
      process.stdout.write(`\n━━ ${APIS[api].title}, MMTEL_AUTH=${mode}, ${target.apiRoot}${APIS[api].basePath}\n`);
      results.push(await runPass({ target, api, seed, maxExamples, workers, label: 'long', env, onOutput: print }));
    }
  } finally {
    await target.close();
  }
}

process.stdout.write('\n━━ Schemathesis passes\n');
for (const result of results) {
  const verdict = result.passed ? 'passed' : `FAILED (exit ${result.exitCode})`;
  const stateful = result.linkSummary?.replace(/\s+/g, ' ') ?? 'no stateful phase';
  process.stdout.write(`${APIS[result.api].title}, MMTEL_AUTH=${result.mode}, seed ${result.seed}: ${verdict} in ${(result.durationMs / 1000).toFixed(0)} s; ${stateful}\n`);
  if (!result.passed) process.stdout.write(`${result.replay.replace(/^/gm, '  ')}\n`);
}
process.exit(results.every((r) => r.passed) ? 0 : 1);

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
