/** The median of `values` (the upper one of an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** The q-quantile of `values` (nearest rank); NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The least, middle and greatest of a figure's rounds. */
export interface Spread {
  min: number;
  median: number;
  max: number;
  count: number;
}

/** min / median / max of `values`; undefined when empty. */
export function spread(values: readonly number[]): Spread | undefined {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return undefined;
  return { min: Math.min(...finite), median: median(finite), max: Math.max(...finite), count: finite.length };
}
