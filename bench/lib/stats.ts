// Small numeric helpers shared by the scenarios and load processes.

/** The q-quantile (0..1) by nearest rank; NaN for an empty list. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: readonly number[]): number => percentile(values, 0.5);

export function summarize(values: readonly number[]): { p50: number; p99: number; max: number } {
  return { p50: percentile(values, 0.5), p99: percentile(values, 0.99), max: Math.max(...values) };
}
