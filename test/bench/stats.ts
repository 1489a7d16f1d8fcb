/**
 * Percentiles, medians and a mergeable latency histogram for the benchmark harness.
 * Load generators record into a histogram (millions of samples would not fit an IPC message),
 * the orchestrator merges the generators' histograms and reads percentiles from the merge.
 */

/**
 * The p-th percentile (0 ≤ p ≤ 100) of values sorted ascending, by the nearest-rank method:
 * the smallest value such that at least p % of the values are ≤ it. NaN for no values.
 */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

/** The p-th percentile of unsorted values (copies and sorts them). */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}

/**
 * The median of the finite values (mean of the two middle ones for an even count); NaN when there
 * are none. Non-finite values (a run that measured nothing) are skipped, not counted as zero.
 */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = finite.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? (finite[mid] as number) : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
}

/** Smallest value the histogram resolves, in ms; smaller samples land in bucket 0. */
const HISTOGRAM_MIN_MS = 0.01;
/** Relative width of a bucket: a reported percentile is within 1 % of the true sample. */
const HISTOGRAM_GROWTH = 1.01;
/** Buckets up to ~HISTOGRAM_MIN_MS · 1.01^2000 ≈ 4,400 s; larger samples land in the last bucket. */
const HISTOGRAM_BUCKETS = 2000;
const LOG_GROWTH = Math.log(HISTOGRAM_GROWTH);

/** Serialised form: sparse [bucket, count] pairs plus the exact extremes. */
export interface HistogramJson {
  buckets: [number, number][];
  count: number;
  sumMs: number;
  minMs: number;
  maxMs: number;
}

/** A log-bucketed histogram of latencies in ms with 1 % resolution, mergeable across processes. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(HISTOGRAM_BUCKETS);
  count = 0;
  sumMs = 0;
  minMs = Number.POSITIVE_INFINITY;
  maxMs = Number.NEGATIVE_INFINITY;

  static bucketOf(ms: number): number {
    if (!(ms > HISTOGRAM_MIN_MS)) return 0;
    return Math.min(HISTOGRAM_BUCKETS - 1, Math.ceil(Math.log(ms / HISTOGRAM_MIN_MS) / LOG_GROWTH));
  }

  /** The upper bound of a bucket: the value a percentile falling into it reports. */
  static upperBoundOf(bucket: number): number {
    return HISTOGRAM_MIN_MS * HISTOGRAM_GROWTH ** bucket;
  }

  record(ms: number): void {
    // A slightly negative latency is clock skew between processes: count it as 0.
    const value = Math.max(ms, 0);
    const bucket = LatencyHistogram.bucketOf(value);
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.count += 1;
    this.sumMs += value;
    if (value < this.minMs) this.minMs = value;
    if (value > this.maxMs) this.maxMs = value;
  }

  merge(other: LatencyHistogram | HistogramJson): this {
    const json = other instanceof LatencyHistogram ? other.toJSON() : other;
    for (const [bucket, n] of json.buckets) this.counts[bucket] = (this.counts[bucket] as number) + n;
    this.count += json.count;
    this.sumMs += json.sumMs;
    if (json.count > 0) {
      this.minMs = Math.min(this.minMs, json.minMs);
      this.maxMs = Math.max(this.maxMs, json.maxMs);
    }
    return this;
  }

  /** Nearest-rank percentile, reported as its bucket's upper bound clamped to the exact min/max. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    // The smallest and largest samples are kept exactly.
    if (rank === 1) return this.minMs;
    if (rank === this.count) return this.maxMs;
    let seen = 0;
    for (let bucket = 0; bucket < HISTOGRAM_BUCKETS; bucket++) {
      seen += this.counts[bucket] as number;
      if (seen >= rank) {
        return Math.min(this.maxMs, Math.max(this.minMs, LatencyHistogram.upperBoundOf(bucket)));
      }
    }
    return this.maxMs;
  }

  meanMs(): number {
    return this.count === 0 ? Number.NaN : this.sumMs / this.count;
  }

  toJSON(): HistogramJson {
    const buckets: [number, number][] = [];
    for (let bucket = 0; bucket < HISTOGRAM_BUCKETS; bucket++) {
      const n = this.counts[bucket] as number;
      if (n > 0) buckets.push([bucket, n]);
    }
    return { buckets, count: this.count, sumMs: this.sumMs, minMs: this.minMs, maxMs: this.maxMs };
  }

  static fromJSON(json: HistogramJson): LatencyHistogram {
    return new LatencyHistogram().merge(json);
  }
}

/** The project's one seeded PRNG (mulberry32), so a run's phases and edits replay from its seed. */
export { seededRandom } from '../../shared/board/ids';
