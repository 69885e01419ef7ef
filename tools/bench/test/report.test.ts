import { describe, expect, it } from 'vitest';
import type { CreateReleaseResult } from '../src/benchmarks/create-release.js';
import { mergeRounds, type Outcome, roundRatios } from '../src/figures.js';
import { type Figure, formatTable, formatTarget, ratioOf, summarize, toRows, verdict } from '../src/report.js';

const atLeast = { kind: 'ratio-at-least', min: 0.6, aim: 0.8 } as const;
const atMost = { kind: 'ratio-at-most', max: 1.15 } as const;
const seconds = { kind: 'value-at-most', max: 5, unit: 's' } as const;

function figure(value: number | undefined, baseline: number | undefined, target?: Figure['target']): Figure {
  return { name: 'f', unit: 'u', value, baseline, ...(target !== undefined && { target }) };
}

describe('verdict', () => {
  it.each<[string, { given: Figure; want: string }]>([
    ['a ratio above its minimum meets it', { given: figure(70, 100, atLeast), want: 'yes' }],
    ['a ratio equal to its minimum meets it', { given: figure(60, 100, atLeast), want: 'yes' }],
    ['a ratio below its minimum misses it', { given: figure(59, 100, atLeast), want: 'no' }],
    ['a ratio at its maximum meets it', { given: figure(115, 100, atMost), want: 'yes' }],
    ['a ratio above its maximum misses it', { given: figure(116, 100, atMost), want: 'no' }],
    ['a value under its maximum meets it, whatever the baseline', { given: figure(4.9, undefined, seconds), want: 'yes' }],
    ['a value over its maximum misses it', { given: figure(5.2, undefined, seconds), want: 'no' }],
    ['a figure without a target has no verdict', { given: figure(1, 2), want: 'none' }],
    ['a ratio target without a measured baseline is unknown', { given: figure(70, undefined, atLeast), want: 'unknown' }],
    ['a target of a figure not measured is unknown', { given: figure(undefined, 100, atLeast), want: 'unknown' }],
    ['a zero baseline gives no ratio, so the verdict is unknown', { given: figure(70, 0, atLeast), want: 'unknown' }],
  ])('%s', (_, { given, want }) => {
    expect(verdict(given)).toBe(want);
  });
});

describe('the table', () => {
  it('shows each figure beside its baseline, their ratio, the target and the verdict', () => {
    const rows = toRows([
      { name: 'create+release', unit: 'cycles/s', value: 1500, baseline: 3000, baselineName: 'bare Fastify', target: atLeast },
      { name: 'generate', unit: 's', value: 4.2, target: seconds },
      { name: 'memory', unit: 'MB', value: undefined },
    ]);
    const [header, rule, first, second, third] = formatTable(rows);
    expect(header?.split('|').map((cell) => cell.trim())).toEqual(['figure', 'value', 'baseline', 'ratio', 'target', 'met?']);
    expect(rule).toMatch(/^-+(-\|-+)+$/);
    expect(first?.split('|').map((cell) => cell.trim())).toEqual([
      'create+release',
      '1500 cycles/s',
      '3000 cycles/s (bare Fastify)',
      '0.50',
      'ratio ≥ 0.6 (aim 0.8)',
      'NO',
    ]);
    expect(second?.split('|').map((cell) => cell.trim())).toEqual(['generate', '4.20 s', '—', '—', '≤ 5 s', 'yes']);
    expect(third?.split('|').map((cell) => cell.trim())).toEqual(['memory', 'failed', '—', '—', '—', '—']);
  });

  it('aligns every column across rows', () => {
    const lines = formatTable(toRows([figure(1, 2, atMost), { ...figure(12345, 2, atLeast), name: 'a much longer figure name' }]));
    const bars = lines.filter((line) => line.includes(' | ')).map((line) => [...line.matchAll(/ \| /g)].map((m) => m.index));
    expect(new Set(bars.map((positions) => positions.join(','))).size).toBe(1);
  });

  it('counts the targets met, leaving out figures without one and naming those not measured', () => {
    const rows = toRows([figure(70, 100, atLeast), figure(50, 100, atLeast), figure(1, 1), figure(undefined, 1, atMost)]);
    expect(summarize(rows)).toBe('1 of 3 targets met (1 not measured)');
  });

  it.each([
    [atLeast, 'ratio ≥ 0.6 (aim 0.8)'],
    [atMost, 'ratio ≤ 1.15'],
    [seconds, '≤ 5 s'],
    [undefined, '—'],
  ] as const)('writes the target %o as %s', (target, want) => {
    expect(formatTarget(target)).toBe(want);
  });

  it('computes no ratio from a missing value', () => {
    expect(ratioOf(undefined, 10)).toBeUndefined();
    expect(ratioOf(5, 10)).toBe(0.5);
  });
});

describe('mergeRounds', () => {
  const round = (
    cycles: number,
    durationMs: number,
    latenciesMs: number[],
    cpuUsPerCycle: number,
    errors = 0,
  ): Outcome<CreateReleaseResult> => ({
    ok: true,
    value: {
      target: 'server',
      concurrency: 32,
      durationMs,
      cycles,
      cyclesPerS: 0,
      p50Ms: 0,
      p99Ms: 0,
      latenciesMs,
      errors,
      errorSamples: [],
      eventLoopUtilization: 1,
      cpuUsPerCycle,
    },
  });

  it('divides the cycles and CPU time of every round by their totals and takes the quantile over every cycle', () => {
    const latencies = (from: number) => Array.from({ length: 100 }, (_, i) => from + i);
    const merged = mergeRounds([
      round(1000, 1000, latencies(0), 400),
      round(3000, 3000, latencies(100), 800, 2),
      { ok: false, error: 'crashed' },
    ]);
    expect(merged).toEqual({ cyclesPerS: 1000, p99Ms: 198, cpuUsPerCycle: 700, errors: 2, rounds: 2 });
  });

  it('has nothing to merge when every round failed', () => {
    expect(mergeRounds([{ ok: false, error: 'crashed' }])).toBeUndefined();
  });
});

describe('rounds', () => {
  it('shows the least, middle and greatest round of a figure in a column of its own', () => {
    const rows = toRows([
      { ...figure(45, 100, atLeast), perRound: { of: 'ratio', values: [0.47, 0.43, 0.45] } },
      { ...figure(2, undefined, seconds), perRound: { of: 'value', values: [2.1, 1.9, 2] } },
      figure(1, 2),
    ]);
    const [header, , first, second, third] = formatTable(rows).map((line) => line.split('|').map((cell) => cell.trim()));
    expect(header?.[4]).toBe('rounds min / median / max');
    expect(first?.[4]).toBe('0.43 / 0.45 / 0.47 ratio (3)');
    expect(second?.[4]).toBe('1.90 / 2.00 / 2.10 u (3)');
    expect(third?.[4]).toBe('—');
  });

  it('pairs each round of a target with the same round of its baseline and leaves out rounds that failed on either side', () => {
    const ok = (n: number): Outcome<number> => ({ ok: true, value: n });
    const failed: Outcome<number> = { ok: false, error: 'crashed' };
    expect(roundRatios([ok(50), failed, ok(60), ok(70)], [ok(100), ok(100), failed, ok(100)], (n) => n)).toEqual({
      of: 'ratio',
      values: [0.5, 0.7],
    });
  });
});
