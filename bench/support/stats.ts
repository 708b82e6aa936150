/** Median, smallest and largest of several runs of one measurement. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/** Summarizes the runs of one measurement. Throws on an empty list, which means no run completed. */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spreadOf needs at least one value; no run of this measurement completed');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: [...values] };
}

/** Returns the value at the given quantile (0 to 1) of unsorted samples, by the nearest-rank method. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('quantile needs at least one sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/** Formats a number with a thousands separator and `digits` decimals, as the tables of docs/benchmarks.md show them. */
export function formatNumber(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Formats a spread as `median (min–max)`. */
export function formatSpread(spread: Spread, digits = 1): string {
  if (spread.runs.length === 1) return `${formatNumber(spread.median, digits)} (1 run)`;
  return `${formatNumber(spread.median, digits)} (${formatNumber(spread.min, digits)}–${formatNumber(spread.max, digits)})`;
}
