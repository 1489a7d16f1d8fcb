/**
 * How fast one client address may open connections (S6.5): a token bucket per address. Holding
 * connections is bounded by AddressLimiter; this bounds churn (connect, ask, disconnect, again),
 * which costs the server a document load or a sync reply each time. Buckets that have refilled are
 * forgotten, so memory follows the addresses active in the last few seconds.
 */
interface Bucket {
  tokens: number;
  last: number;
}

/** Past this many tracked addresses, full buckets are swept out before adding another. */
const SWEEP_AT = 10_000;

export class ConnectRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `address`; false when it opens connections faster than allowed. */
  take(address: string): boolean {
    if (this.perSecond <= 0) return true;
    const now = this.now();
    let bucket = this.buckets.get(address);
    if (bucket === undefined) {
      if (this.buckets.size >= SWEEP_AT) this.sweep(now);
      bucket = { tokens: this.burst, last: now };
      this.buckets.set(address, bucket);
    } else {
      this.refill(bucket, now);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private refill(bucket: Bucket, now: number): void {
    const elapsedMs = Math.max(0, now - bucket.last);
    bucket.last = now;
    bucket.tokens = Math.min(this.burst, bucket.tokens + (elapsedMs * this.perSecond) / 1000);
  }

  private sweep(now: number): void {
    for (const [address, bucket] of this.buckets) {
      this.refill(bucket, now);
      if (bucket.tokens >= this.burst) this.buckets.delete(address);
    }
  }
}
