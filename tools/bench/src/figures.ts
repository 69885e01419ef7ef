/**
 * From what the benchmark children wrote to the figures of the table, with their baselines and
 * targets. Pure: the runner reads the files, this decides what they mean.
 */
import type { CreateReleaseResult } from './benchmarks/create-release.js';
import type { GenerateTimeResult } from './benchmarks/generate-time.js';
import type { ScaleOutResult } from './benchmarks/scale-out.js';
import type { SessionMemoryResult } from './benchmarks/session-memory.js';
import type { StartupResult } from './benchmarks/startup.js';
import type { Figure } from './report.js';
import { cpuPerOp, medianRun, type ScaleOutRun } from './scale-out-analysis.js';
import { quantile } from './stats.js';

/** What packages/server/bench/notification-throughput.ts writes with --out. */
export interface NotificationResult {
  notifications: number;
  concurrency: number;
  engineDeliverPerS: number;
  engineCpuUsPerNotification: number;
  rawUndiciPerS: number;
  rawCpuUsPerRequest: number;
  storeOnlyPerS: number;
  failed: number;
  /** Each round's figures (older result files have none). */
  perRound?: Array<{ engineDeliverPerS: number; engineCpuUsPerNotification: number; rawUndiciPerS: number; rawCpuUsPerRequest: number }>;
}

/** What tools/bench/src/benchmarks/client-overhead.ts writes with --out: medians per server and variant. */
export interface OverheadResult {
  servers: Record<string, Array<{ variant: string; wallUs: number; cpuUs: number; wallRoundsUs?: number[] }>>;
}

/** A benchmark's output, or why there is none. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

/** Everything one run measured; each create + release target has one result per round. */
export interface RunResults {
  createRelease: Record<'server' | 'server-async-commit' | 'fastify' | 'express', Array<Outcome<CreateReleaseResult>>>;
  notifications: Outcome<NotificationResult>;
  overhead: Outcome<OverheadResult>;
  generate: Outcome<GenerateTimeResult>;
  startup: Outcome<StartupResult>;
  memory: Outcome<SessionMemoryResult>;
  /** Not in the default set: `pnpm bench --only scale-out`. */
  scaleOut: Outcome<ScaleOutResult>;
}

/** One target's create + release rounds merged: cycles over the total measured time, quantiles over every cycle. */
export interface MergedLoad {
  cyclesPerS: number;
  p99Ms: number;
  /** The target's CPU time per cycle over every round, µs. */
  cpuUsPerCycle: number;
  errors: number;
  rounds: number;
}

/** Merges the rounds that succeeded; undefined when none did. */
export function mergeRounds(rounds: ReadonlyArray<Outcome<CreateReleaseResult>>): MergedLoad | undefined {
  const done = rounds.flatMap((round) => (round.ok ? [round.value] : []));
  if (done.length === 0) return undefined;
  const cycles = done.reduce((sum, r) => sum + r.cycles, 0);
  const durationMs = done.reduce((sum, r) => sum + r.durationMs, 0);
  return {
    cyclesPerS: (cycles / durationMs) * 1000,
    p99Ms: quantile(
      done.flatMap((r) => r.latenciesMs),
      0.99,
    ),
    cpuUsPerCycle: done.reduce((sum, r) => sum + r.cpuUsPerCycle * r.cycles, 0) / cycles,
    errors: done.reduce((sum, r) => sum + r.errors, 0),
    rounds: done.length,
  };
}

const MB = 1024 * 1024;

/**
 * The ratio of each round of `values` to the same round of `baselines` (rounds alternate between
 * targets, so round i of each saw the same machine); a round that failed on either side is left out.
 */
export function roundRatios<T>(
  values: ReadonlyArray<Outcome<T>>,
  baselines: ReadonlyArray<Outcome<T>>,
  pick: (result: T) => number,
): { of: 'ratio'; values: number[] } {
  const ratios = values.flatMap((value, i) => {
    const baseline = baselines[i];
    return value.ok && baseline?.ok ? [pick(value.value) / pick(baseline.value)] : [];
  });
  return { of: 'ratio', values: ratios };
}

/** Pairs two arrays of per-round figures into their ratios. */
function pairRatios(
  values: readonly number[] | undefined,
  baselines: readonly number[] | undefined,
): { of: 'ratio'; values: number[] } | undefined {
  if (values === undefined || baselines === undefined) return undefined;
  return { of: 'ratio', values: values.flatMap((v, i) => (baselines[i] === undefined ? [] : [v / baselines[i]])) };
}

/** Adds `perRound` when there is one. */
function withRounds(figure: Figure, perRound: Figure['perRound'] | undefined): Figure {
  return perRound === undefined || perRound.values.length === 0 ? figure : { ...figure, perRound };
}

/** The figures of the table, in the order printed. */
export function buildFigures(results: RunResults): Figure[] {
  const server = mergeRounds(results.createRelease.server);
  const fastify = mergeRounds(results.createRelease.fastify);
  const express = mergeRounds(results.createRelease.express);
  const serverAsync = mergeRounds(results.createRelease['server-async-commit']);
  const loadNote = (name: string, rounds: ReadonlyArray<Outcome<CreateReleaseResult>>, merged: MergedLoad | undefined) => {
    const failed = rounds.flatMap((round) => (round.ok ? [] : [round.error]));
    const notes = [
      ...(failed.length > 0 ? [`${name}: ${failed.length} round(s) failed: ${failed[0]}`] : []),
      ...(merged && merged.errors > 0 ? [`${name}: ${merged.errors} request errors`] : []),
    ];
    return notes.length > 0 ? notes.join('; ') : undefined;
  };
  const createNote = [
    loadNote('server', results.createRelease.server, server),
    loadNote('server (synchronous commit off)', results.createRelease['server-async-commit'], serverAsync),
    loadNote('bare Fastify', results.createRelease.fastify, fastify),
    loadNote('Express', results.createRelease.express, express),
  ]
    .filter((note) => note !== undefined)
    .join('; ');
  const withNote = (figure: Figure, note: string | undefined): Figure => (note ? { ...figure, note } : figure);

  const cr = results.createRelease;
  const figures: Figure[] = [
    withRounds(
      withNote(
        {
          source: 'create-release',
          name: 'create+release: server vs bare Fastify',
          unit: 'cycles/s',
          value: server?.cyclesPerS,
          baseline: fastify?.cyclesPerS,
          baselineName: 'bare Fastify',
          target: { kind: 'ratio-at-least', min: 0.8 },
        },
        createNote,
      ),
      roundRatios(cr.server, cr.fastify, (r) => r.cyclesPerS),
    ),
    withRounds(
      {
        source: 'create-release',
        name: 'create+release, MMTEL_SYNCHRONOUS_COMMIT=off: server vs bare Fastify',
        unit: 'cycles/s',
        value: serverAsync?.cyclesPerS,
        baseline: fastify?.cyclesPerS,
        baselineName: 'bare Fastify',
      },
      roundRatios(cr['server-async-commit'], cr.fastify, (r) => r.cyclesPerS),
    ),
    withRounds(
      {
        source: 'create-release',
        name: 'create+release CPU per cycle, MMTEL_SYNCHRONOUS_COMMIT=off: server vs bare Fastify',
        unit: 'µs',
        value: serverAsync?.cpuUsPerCycle,
        baseline: fastify?.cpuUsPerCycle,
        baselineName: 'bare Fastify',
      },
      roundRatios(cr['server-async-commit'], cr.fastify, (r) => r.cpuUsPerCycle),
    ),
    withRounds(
      {
        source: 'create-release',
        name: 'create+release: server vs Express peer',
        unit: 'cycles/s',
        value: server?.cyclesPerS,
        baseline: express?.cyclesPerS,
        baselineName: 'Express',
        target: { kind: 'ratio-at-least', min: 5 },
      },
      roundRatios(cr.server, cr.express, (r) => r.cyclesPerS),
    ),
    withRounds(
      {
        source: 'create-release',
        name: 'create+release p99: server vs bare Fastify',
        unit: 'ms',
        value: server?.p99Ms,
        baseline: fastify?.p99Ms,
        baselineName: 'bare Fastify',
      },
      roundRatios(cr.server, cr.fastify, (r) => r.p99Ms),
    ),
    withRounds(
      {
        source: 'create-release',
        name: 'create+release p99: server vs Express peer',
        unit: 'ms',
        value: server?.p99Ms,
        baseline: express?.p99Ms,
        baselineName: 'Express',
      },
      roundRatios(cr.server, cr.express, (r) => r.p99Ms),
    ),
    withRounds(
      {
        source: 'create-release',
        name: 'create+release CPU per cycle: server vs bare Fastify',
        unit: 'µs',
        value: server?.cpuUsPerCycle,
        baseline: fastify?.cpuUsPerCycle,
        baselineName: 'bare Fastify',
      },
      roundRatios(cr.server, cr.fastify, (r) => r.cpuUsPerCycle),
    ),
    withRounds(
      {
        source: 'create-release',
        name: 'create+release CPU per cycle: server vs Express peer',
        unit: 'µs',
        value: server?.cpuUsPerCycle,
        baseline: express?.cpuUsPerCycle,
        baselineName: 'Express',
      },
      roundRatios(cr.server, cr.express, (r) => r.cpuUsPerCycle),
    ),
  ];

  const notifications = results.notifications;
  const notificationRounds = notifications.ok ? notifications.value.perRound : undefined;
  figures.push(
    withRounds(
      withNote(
        {
          source: 'notifications',
          name: 'notification delivery vs raw undici POST loop',
          unit: 'notifs/s',
          value: notifications.ok ? notifications.value.engineDeliverPerS : undefined,
          baseline: notifications.ok ? notifications.value.rawUndiciPerS : undefined,
          baselineName: 'raw undici',
          target: { kind: 'ratio-at-least', min: 0.8 },
        },
        notifications.ok
          ? notifications.value.failed > 0
            ? `${notifications.value.failed} notifications failed`
            : undefined
          : notifications.error,
      ),
      notificationRounds && { of: 'ratio', values: notificationRounds.map((r) => r.engineDeliverPerS / r.rawUndiciPerS) },
    ),
    withRounds(
      {
        source: 'notifications',
        name: 'notification CPU each vs raw undici POST',
        unit: 'µs',
        value: notifications.ok ? notifications.value.engineCpuUsPerNotification : undefined,
        baseline: notifications.ok ? notifications.value.rawCpuUsPerRequest : undefined,
        baselineName: 'raw undici',
      },
      notificationRounds && { of: 'ratio', values: notificationRounds.map((r) => r.engineCpuUsPerNotification / r.rawCpuUsPerRequest) },
    ),
  );

  const overhead = results.overhead;
  for (const [key, label] of [
    ['trivial', 'trivial node:http server'],
    ['reference', 'reference server'],
  ] as const) {
    const variants = overhead.ok ? overhead.value.servers[key] : undefined;
    const raw = variants?.find((v) => v.variant === 'raw fetch');
    const client = variants?.find((v) => v.variant === 'typed client (defaults)');
    figures.push(
      withRounds(
        withNote(
          {
            source: 'client',
            name: `client per call vs raw fetch (${label})`,
            unit: 'µs',
            value: client?.wallUs,
            baseline: raw?.wallUs,
            baselineName: 'raw fetch',
            ...(key === 'trivial' && { target: { kind: 'ratio-at-most', max: 1.1 } }),
          },
          overhead.ok ? undefined : overhead.error,
        ),
        pairRatios(client?.wallRoundsUs, raw?.wallRoundsUs),
      ),
    );
  }

  const generate = results.generate;
  figures.push(
    withRounds(
      withNote(
        {
          source: 'generate',
          name: 'pnpm generate wall time (generate --check, warm caches)',
          unit: 's',
          value: generate.ok ? generate.value.medianMs / 1000 : undefined,
          target: { kind: 'value-at-most', max: 2, unit: 's' },
        },
        generate.ok
          ? generate.value.exitCode !== 0
            ? `generate --check exited ${generate.value.exitCode}: ${generate.value.output.slice(-300)}`
            : undefined
          : generate.error,
      ),
      generate.ok ? { of: 'value', values: generate.value.runsMs.map((ms) => ms / 1000) } : undefined,
    ),
  );

  const startup = results.startup;
  figures.push(
    withRounds(
      withNote(
        {
          source: 'startup',
          name: 'server start-up to /readyz 200',
          unit: 's',
          value: startup.ok ? startup.value.serverMedianMs / 1000 : undefined,
          baseline: startup.ok ? startup.value.floorMedianMs / 1000 : undefined,
          baselineName: 'node:http floor',
          target: { kind: 'value-at-most', max: 0.5, unit: 's' },
        },
        startup.ok ? undefined : startup.error,
      ),
      startup.ok ? { of: 'value', values: startup.value.serverMs.map((ms) => ms / 1000) } : undefined,
    ),
  );

  const memory = results.memory;
  figures.push(
    withNote(
      { source: 'memory', name: 'RSS per 10k live sessions', unit: 'MB', value: memory.ok ? memory.value.per10k.rss / MB : undefined },
      memory.ok ? undefined : memory.error,
    ),
    {
      source: 'memory',
      name: 'JS heap per 10k live sessions',
      unit: 'MB',
      value: memory.ok ? memory.value.per10k.heapUsed / MB : undefined,
    },
  );
  figures.push(...scaleOutFigures(results.scaleOut));
  return figures;
}

/**
 * The PostgreSQL one/two-instance figures: the two-instance run beside the one-instance run of the
 * same benchmark (medians over the rounds), informational (no target). Each round's ratio pairs
 * the two runs of that round.
 */
export function scaleOutFigures(outcome: Outcome<ScaleOutResult>): Figure[] {
  const result = outcome.ok ? outcome.value : undefined;
  const pair = <R extends ScaleOutRun>(
    name: string,
    unit: string,
    runs: readonly R[] | undefined,
    pick: (run: R) => number,
    note?: string,
  ): Figure => {
    const one = runs && medianRun(runs, 1);
    const two = runs && medianRun(runs, 2);
    const ones = runs?.filter((run) => run.instances === 1) ?? [];
    const twos = runs?.filter((run) => run.instances === 2) ?? [];
    const figure: Figure = {
      source: 'scale-out',
      name,
      unit,
      value: two && pick(two as R),
      baseline: one && pick(one as R),
      baselineName: '1 instance',
      ...(note !== undefined && note !== '' && { note }),
    };
    return withRounds(figure, {
      of: 'ratio',
      values: twos.flatMap((run, i) => (ones[i] === undefined ? [] : [pick(run) / pick(ones[i])])),
    });
  };
  const createRelease = result?.createRelease;
  const delivery = result?.delivery;
  const loadErrors = createRelease?.reduce((sum, run) => sum + run.errors, 0) ?? 0;
  const createNote = !outcome.ok
    ? outcome.error
    : loadErrors > 0
      ? `${loadErrors} request errors: ${createRelease?.flatMap((run) => run.errorSamples)[0]}`
      : undefined;
  const deliveryNote = delivery
    ?.flatMap((run) => {
      const { received, duplicates, outOfOrder, malformed } = run.receiver;
      const wrong = [
        ...(received - duplicates !== run.notifications ? [`${run.notifications - (received - duplicates)} not delivered`] : []),
        ...(duplicates > 0 ? [`${duplicates} delivered twice`] : []),
        ...(outOfOrder > 0 ? [`${outOfOrder} out of order`] : []),
        ...(malformed > 0 ? [`${malformed} unreadable`] : []),
      ];
      return wrong.length > 0 ? [`${run.instances} instance(s): ${wrong.join(', ')}`] : [];
    })
    .join('; ');
  return [
    pair('PostgreSQL create+release, 2 instances vs 1', 'cycles/s', createRelease, (run) => run.opsPerS, createNote),
    pair(
      'PostgreSQL create+release CPU per cycle (servers + PostgreSQL), 2 instances vs 1',
      'µs',
      createRelease,
      (run) => cpuPerOp(run).service,
    ),
    pair('PostgreSQL create+release p99, 2 instances vs 1', 'ms', createRelease, (run) => run.p99Ms),
    pair('PostgreSQL delivery, 2 instances vs 1', 'notifs/s', delivery, (run) => run.opsPerS, outcome.ok ? deliveryNote : outcome.error),
    pair(
      'PostgreSQL delivery CPU per notification (servers + PostgreSQL), 2 instances vs 1',
      'µs',
      delivery,
      (run) => cpuPerOp(run).service,
    ),
  ];
}
