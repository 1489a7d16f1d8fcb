/**
 * When the disk space a compaction frees is given back. A replace deletes the entries its state covers,
 * but LevelDB keeps their bytes (and tombstones) until it compacts that key range; forcing that at once
 * (`compactRange`) rewrites table files on a background thread. In a room that is still being edited
 * that work competes for the same cores as the sends of every update arriving meanwhile, and the next
 * compaction, a few hundred updates later, deletes more of the same range, so one rewrite once the
 * room pauses does the work of many. The range is compacted once the room has had no write for
 * `quietMs`, at the latest `maxWaitMs` after its first compaction still waiting, and for every room
 * still waiting when the store closes (S3.4).
 */
export interface SpaceReclaimerOptions {
  /** Compacts `room`'s key range; never rejects (a failed reclaim only leaves the space taken). */
  reclaim(room: string): Promise<void>;
  now(): number;
  /** How long a room must go without writes before its range is compacted. */
  quietMs: number;
  /** The longest a compacted range waits, however busy its room stays. */
  maxWaitMs: number;
  /** Injected for tests; defaults to unref'd Node timers. */
  timers?: ReclaimTimers;
}

export interface ReclaimTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const NODE_TIMERS: ReclaimTimers = {
  set(fn, ms) {
    const timer = setTimeout(fn, ms);
    // A pending reclaim must not keep a process alive that has nothing else to do.
    timer.unref();
    return timer;
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

interface Waiting {
  /** When its first compaction not yet reclaimed settled. */
  since: number;
  /** Its last write since. */
  lastWrite: number;
}

export class SpaceReclaimer {
  private readonly waiting = new Map<string, Waiting>();
  /** Reclaims started by the timer and not finished: the store must not close under them. */
  private readonly running = new Set<Promise<void>>();
  private timer: unknown = null;
  private readonly timers: ReclaimTimers;

  constructor(private readonly options: SpaceReclaimerOptions) {
    this.timers = options.timers ?? NODE_TIMERS;
  }

  /** Rooms whose freed space is not reclaimed yet (for tests). */
  get pending(): string[] {
    return [...this.waiting.keys()];
  }

  /** A replace of `room` was written: its deleted entries' space is to be reclaimed. */
  compacted(room: string): void {
    const now = this.options.now();
    const waiting = this.waiting.get(room);
    if (waiting === undefined) this.waiting.set(room, { since: now, lastWrite: now });
    else waiting.lastWrite = now;
    this.arm(this.options.quietMs);
  }

  /** Some other write reached `room`: it is not quiet yet. */
  wrote(room: string): void {
    const waiting = this.waiting.get(room);
    if (waiting !== undefined) waiting.lastWrite = this.options.now();
  }

  /** `room` was deleted, and its range compacted with that. */
  forget(room: string): void {
    this.waiting.delete(room);
  }

  /**
   * Reclaims every room still waiting (the store is closing); resolves once those and any the timer
   * started are done.
   */
  async flush(): Promise<void> {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    const rooms = [...this.waiting.keys()];
    this.waiting.clear();
    await Promise.all([...this.running, ...rooms.map((room) => this.options.reclaim(room))]);
  }

  private arm(ms: number): void {
    if (this.timer !== null) return;
    this.timer = this.timers.set(() => this.sweep(), ms);
  }

  private sweep(): void {
    this.timer = null;
    const { now, quietMs, maxWaitMs } = this.options;
    const at = now();
    let next = Number.POSITIVE_INFINITY;
    for (const [room, waiting] of this.waiting) {
      const due = Math.min(waiting.lastWrite + quietMs, waiting.since + maxWaitMs);
      if (due <= at) {
        this.waiting.delete(room);
        const reclaim = this.options.reclaim(room).finally(() => this.running.delete(reclaim));
        this.running.add(reclaim);
      } else {
        next = Math.min(next, due - at);
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}
