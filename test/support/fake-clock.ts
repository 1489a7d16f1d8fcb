import type { Clock } from '../../sync-server/core/ports';

interface Timer {
  at: number;
  /** Order of creation: timers due at the same time run in the order they were set. */
  order: number;
  fn: () => void;
}

/**
 * A clock that moves only when a test moves it. Timers run in (due time, creation) order, so a run
 * driven by a seeded PRNG replays exactly. `afterIo` tasks are timers due now.
 */
export class FakeClock implements Clock {
  private time = 0;
  private nextOrder = 1;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.time;
  }

  monotonic(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const order = this.nextOrder++;
    this.timers.set(order, { at: this.time + Math.max(0, ms), order, fn });
    return order;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  afterIo(fn: () => void): void {
    this.setTimeout(fn, 0);
  }

  /** Timers not yet run. */
  get pending(): number {
    return this.timers.size;
  }

  /** When the earliest timer is due, or null when none is set. */
  nextDueAt(): number | null {
    let at: number | null = null;
    for (const timer of this.timers.values()) if (at === null || timer.at < at) at = timer.at;
    return at;
  }

  /** Runs the earliest timer, moving time to when it was due; false when none is set. */
  runNext(): boolean {
    let next: Timer | null = null;
    for (const timer of this.timers.values()) {
      if (next === null || timer.at < next.at || (timer.at === next.at && timer.order < next.order)) {
        next = timer;
      }
    }
    if (next === null) return false;
    this.timers.delete(next.order);
    this.time = Math.max(this.time, next.at);
    next.fn();
    return true;
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let due: Timer | null = null;
      for (const timer of this.timers.values()) {
        if (timer.at > until) continue;
        if (due === null || timer.at < due.at || (timer.at === due.at && timer.order < due.order))
          due = timer;
      }
      if (due === null) break;
      this.timers.delete(due.order);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = until;
  }
}
