import fc from 'fast-check';

/** The seed CI runs with, so that a red CI run can be replayed exactly. */
export const FIXED_SEED = 29392;

/**
 * How the fuzz properties run, from the environment:
 * - `FUZZ_SEED`: a number to replay, `random` for a new one each run; default FIXED_SEED;
 * - `FUZZ_RUNS`: runs per property (default: each property's modest CI count);
 * - `FUZZ_PATH` with `FUZZ_ONLY=<property name>`: replay one recorded failure and its shrink path.
 */
export interface FuzzSettings {
  seed: number;
  runs: number | undefined;
  path: string | undefined;
  only: string | undefined;
}

/** The settings of this process. */
export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const seedText = env.FUZZ_SEED;
  const seed =
    seedText === undefined || seedText === ''
      ? FIXED_SEED
      : seedText === 'random'
        ? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0
        : Number(seedText);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", not ${seedText}`);
  const runs = env.FUZZ_RUNS === undefined || env.FUZZ_RUNS === '' ? undefined : Number(env.FUZZ_RUNS);
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0))
    throw new Error(`FUZZ_RUNS must be a positive integer, not ${env.FUZZ_RUNS}`);
  return { seed, runs, path: env.FUZZ_PATH || undefined, only: env.FUZZ_ONLY || undefined };
}

const settings = fuzzSettings();
// A random seed must be known before anything fails, so that a hang or a crash can be replayed too.
if (process.env.FUZZ_SEED === 'random') process.stderr.write(`fuzz: FUZZ_SEED=random, this run uses seed ${settings.seed}\n`);
/** How long a failure may be shrunk. */
const SHRINK_BUDGET_MS = 20_000;

/** The vitest timeout of a property that makes `ciRuns` requests in CI (more when FUZZ_RUNS is set). */
export function fuzzTimeout(ciRuns: number, msPerRun = 250): number {
  return 60_000 + SHRINK_BUDGET_MS + (settings.runs ?? ciRuns) * msPerRun;
}

/**
 * Runs an async property with the process's seed and run count. On failure it throws one message
 * with the property name, the seed and shrink path, the command that replays exactly this
 * failure, and the failing run's own error (which shows the request as a curl command).
 */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IAsyncPropertyWithHooks<Ts>,
  ciRuns: number,
): Promise<void> {
  const replaying = settings.only !== undefined;
  if (replaying && settings.only !== name) return;
  const first = await fc.check(property, {
    seed: settings.seed,
    numRuns: settings.runs ?? ciRuns,
    ...(replaying && settings.path !== undefined && { path: settings.path }),
    endOnFailure: true,
  });
  if (!first.failed) return;
  // Shrinking a chained arbitrary of large bodies can take thousands of requests: it runs as a
  // second pass from the failure found, for a bounded time, keeping the smallest case so far.
  const shrunk = await fc.check(property, {
    seed: first.seed,
    path: first.counterexamplePath ?? '',
    numRuns: 1,
    interruptAfterTimeLimit: SHRINK_BUDGET_MS,
  });
  const details = shrunk.failed ? shrunk : first;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    [
      `Property "${name}" failed after ${first.numRuns} run(s) and ${details.numShrinks} shrink(s).`,
      `seed: ${details.seed}, path: "${details.counterexamplePath ?? ''}"`,
      `Replay: FUZZ_SEED=${details.seed} FUZZ_PATH='${details.counterexamplePath ?? ''}' FUZZ_ONLY='${name}' npx -y pnpm@12.4.2 --filter @mmtel/conformance exec vitest run test/fuzz-`,
      'Record it in tools/conformance/fuzz-seeds.md.',
      '',
      cause,
    ].join('\n'),
  );
}
