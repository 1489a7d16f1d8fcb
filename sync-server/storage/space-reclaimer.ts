import type { Clock } from '../core/ports';

export interface SpaceReclaimerOptions {
  /** Compacts `room`'s key range; never rejects (a failed reclaim only leaves the space taken). */
  reclaim(room: string): Promise<void>;
  /** Its timers are unref'd (systemClock's): a pending reclaim keeps no idle process alive. */
  clock: Pick<Clock, 'monotonic' | 'setTimeout' | 'clearTimeout'>;
  /** How long a room must go without writes before its range is compacted. */
  quietMs: number;
  /** The longest a compacted range waits, however busy its room stays. */
  maxWaitMs: number;
}

interface Waiting {
  /** When its first compaction not yet reclaimed settled. */
  since: number;
  /** Its last write since. */
  lastWrite: number;
}

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
export class SpaceReclaimer {
  private readonly waiting = new Map<string, Waiting>();
  /** Reclaims started and not finished: the store must not close under them. */
  private readonly running = new Set<Promise<void>>();
  private timer: unknown = null;

  constructor(private readonly options: SpaceReclaimerOptions) {}

  /** Rooms whose freed space is not reclaimed yet (for tests). */
  get pending(): string[] {
    return [...this.waiting.keys()];
  }

  /** A replace of `room` was written: its deleted entries' space is to be reclaimed. */
  compacted(room: string): void {
    const now = this.options.clock.monotonic();
    const waiting = this.waiting.get(room);
    if (waiting === undefined) this.waiting.set(room, { since: now, lastWrite: now });
    else waiting.lastWrite = now;
    this.arm(this.options.quietMs);
  }

  /** Some other write reached `room`: it is not quiet yet. */
  wrote(room: string): void {
    const waiting = this.waiting.get(room);
    if (waiting !== undefined) waiting.lastWrite = this.options.clock.monotonic();
  }

  /** Reclaims `room` at once (it was deleted: its content leaves the disk now, not at a pause). */
  reclaimNow(room: string): void {
    this.waiting.delete(room);
    this.start(room);
  }

  /**
   * Reclaims every room still waiting (the store is closing); resolves once those and any started
   * earlier are done.
   */
  async flush(): Promise<void> {
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    const rooms = [...this.waiting.keys()];
    this.waiting.clear();
    await Promise.all([...this.running, ...rooms.map((room) => this.options.reclaim(room))]);
  }

  private arm(ms: number): void {
    if (this.timer !== null) return;
    this.timer = this.options.clock.setTimeout(() => this.sweep(), ms);
  }

  private start(room: string): void {
    const reclaim = this.options.reclaim(room).finally(() => this.running.delete(reclaim));
    this.running.add(reclaim);
  }

  private sweep(): void {
    this.timer = null;
    const { clock, quietMs, maxWaitMs } = this.options;
    const at = clock.monotonic();
    let next = Number.POSITIVE_INFINITY;
    for (const [room, waiting] of this.waiting) {
      const due = Math.min(waiting.lastWrite + quietMs, waiting.since + maxWaitMs);
      if (due <= at) {
        this.waiting.delete(room);
        this.start(room);
      } else {
        next = Math.min(next, due - at);
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}
