/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. Each message takes one; a message that
 * finds the bucket empty is over the rate. Time comes from the caller's clock, so tests control it.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    /** Shared by every bucket (an object, not a closure per bucket: one exists per connection). */
    private readonly clock: { now(): number },
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Takes one token; false when none is left. */
  take(): boolean {
    if (!this.ready()) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Takes `cost` tokens if at least one is there, running into debt for the rest: a request for many
   * things at once (a join of 21 rooms) goes through whole, and the next waits until the debt is
   * paid back at the rate. False (nothing taken) when no token is there.
   */
  spend(cost: number): boolean {
    if (!this.ready()) return false;
    this.tokens -= cost;
    return true;
  }

  /** Whether a token is there now, without taking it. */
  ready(): boolean {
    const now = this.clock.now();
    const elapsedMs = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.perSecond) / 1000);
    return this.tokens >= 1;
  }

  /** Milliseconds until a token is there (0 when one is). */
  msUntilReady(): number {
    if (this.ready()) return 0;
    return Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }
}
