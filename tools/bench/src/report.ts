/**
 * The bench table: each figure beside the baseline measured in the same run, their ratio, and
 * whether the target is met. Pure functions only, so that the verdicts can be tested without
 * timing anything.
 */
import { spread } from './stats.js';

/** What a figure must reach. `ratio-*` compare value / baseline; `value-*` compare the value alone. */
export type Target =
  | { kind: 'ratio-at-least'; min: number; aim?: number }
  | { kind: 'ratio-at-most'; max: number }
  | { kind: 'value-at-most'; max: number; unit: string };

/** One measured figure, as the benchmarks report it. */
export interface Figure {
  /** What is measured, e.g. `create+release cycles/s: server vs bare Fastify`. */
  name: string;
  unit: string;
  /** Undefined when the benchmark that measures it failed. */
  value: number | undefined;
  /** What the value is compared with, measured in the same run; undefined when there is none. */
  baseline?: number | undefined;
  /** What the baseline is, e.g. `bare Fastify`. */
  baselineName?: string;
  target?: Target;
  /** Shown under the table, e.g. why the figure is missing. */
  note?: string;
  /** The benchmark that measures it (`create-release`, `notifications`, …). */
  source?: string;
  /**
   * The figure in each round, so that the table shows how far rounds disagree: the ratio to the
   * baseline of the same round, or the value itself (figures without a baseline, value targets).
   */
  perRound?: { of: 'ratio' | 'value'; values: readonly number[] };
}

/** Whether a figure meets its target: `yes`, `no`, `none` (no target), `unknown` (not measured). */
export type Verdict = 'yes' | 'no' | 'none' | 'unknown';

/** A figure with its ratio and verdict. */
export interface Row extends Figure {
  ratio: number | undefined;
  met: Verdict;
}

/** value / baseline; undefined when either is missing or the baseline is not positive. */
export function ratioOf(value: number | undefined, baseline: number | undefined): number | undefined {
  if (value === undefined || baseline === undefined || !Number.isFinite(value) || !Number.isFinite(baseline) || baseline <= 0)
    return undefined;
  return value / baseline;
}

/** The verdict on a figure against its target. */
export function verdict(figure: Figure): Verdict {
  const { target } = figure;
  if (target === undefined) return 'none';
  if (target.kind === 'value-at-most') {
    if (figure.value === undefined || !Number.isFinite(figure.value)) return 'unknown';
    return figure.value <= target.max ? 'yes' : 'no';
  }
  const ratio = ratioOf(figure.value, figure.baseline);
  if (ratio === undefined) return 'unknown';
  return (target.kind === 'ratio-at-least' ? ratio >= target.min : ratio <= target.max) ? 'yes' : 'no';
}

/** The rows of the table, in the order given. */
export function toRows(figures: readonly Figure[]): Row[] {
  return figures.map((figure) => ({ ...figure, ratio: ratioOf(figure.value, figure.baseline), met: verdict(figure) }));
}

/** A target as the table shows it: `≥ 0.6 (aim 0.8)`, `≤ 1.15`, `≤ 5 s`. */
export function formatTarget(target: Target | undefined): string {
  if (target === undefined) return '—';
  switch (target.kind) {
    case 'ratio-at-least':
      return `ratio ≥ ${target.min}${target.aim === undefined ? '' : ` (aim ${target.aim})`}`;
    case 'ratio-at-most':
      return `ratio ≤ ${target.max}`;
    case 'value-at-most':
      return `≤ ${target.max} ${target.unit}`;
  }
}

/** A number with as many decimals as its size deserves: 3120, 12.4, 0.62. */
export function formatNumber(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

const VERDICT_TEXT: Record<Verdict, string> = { yes: 'yes', no: 'NO', none: '—', unknown: '?' };

/** A figure's rounds as the table shows them: `0.43 / 0.45 / 0.47 ratio (3)`, `1.90 / 2.00 / 2.10 s (3)`, or `—`. */
export function formatRounds(row: Figure): string {
  const rounds = row.perRound === undefined ? undefined : spread(row.perRound.values);
  if (rounds === undefined || row.perRound === undefined) return '—';
  const unit = row.perRound.of === 'ratio' ? 'ratio' : row.unit;
  return `${formatNumber(rounds.min)} / ${formatNumber(rounds.median)} / ${formatNumber(rounds.max)} ${unit} (${rounds.count})`;
}

/**
 * The table as lines of text: figure | value | baseline | ratio | target | met?, with a column
 * `rounds min / median / max` after the ratio when any figure has its rounds.
 */
export function formatTable(rows: readonly Row[]): string[] {
  const withRounds = rows.some((row) => row.perRound !== undefined);
  const header = ['figure', 'value', 'baseline', 'ratio', ...(withRounds ? ['rounds min / median / max'] : []), 'target', 'met?'];
  const cells = rows.map((row) => [
    row.name,
    row.value === undefined ? 'failed' : `${formatNumber(row.value)} ${row.unit}`,
    row.baseline === undefined
      ? '—'
      : `${formatNumber(row.baseline)} ${row.unit}${row.baselineName === undefined ? '' : ` (${row.baselineName})`}`,
    row.ratio === undefined ? '—' : row.ratio.toFixed(2),
    ...(withRounds ? [formatRounds(row)] : []),
    formatTarget(row.target),
    VERDICT_TEXT[row.met],
  ]);
  // Column widths count characters, not bytes: '≥' and '—' are one column wide.
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)];
}

/** `3 of 5 targets met (1 not measured)`. */
export function summarize(rows: readonly Row[]): string {
  const withTarget = rows.filter((row) => row.met !== 'none');
  const met = withTarget.filter((row) => row.met === 'yes').length;
  const unknown = withTarget.filter((row) => row.met === 'unknown').length;
  return `${met} of ${withTarget.length} targets met${unknown > 0 ? ` (${unknown} not measured)` : ''}`;
}
