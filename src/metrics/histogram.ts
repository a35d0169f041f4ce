// A fixed-bucket histogram kept as plain counts per bucket (not cumulative): observing is one
// short scan of the bounds and two additions, no allocation. The exposition cumulates them.

/** Request latencies in seconds: a fast-path read is well under 1 ms, a blocking read up to minutes. */
export const LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** COMMIT durations in seconds: about 20 µs on a quiet disk, milliseconds on a busy or slow one. */
export const COMMIT_BUCKETS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

export class Histogram {
  /** Observations per bucket; the last slot holds those above every bound (only in `+Inf`). */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const { bounds } = this;
    let bucket = 0;
    // Most observations fall in the first buckets, so a linear scan beats a binary search here.
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    this.counts[bucket]!++;
    this.sum += value;
    this.count++;
  }
}
