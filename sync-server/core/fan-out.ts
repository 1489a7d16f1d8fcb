/**
 * How busy a room is, for deciding whether to merge what it sends (a turn's updates or presence
 * changes into one frame, a window's updates into one batch) or to send each at once. Merging saves
 * a write per recipient for each frame merged, at the cost of a wait; it pays only with heavy fan-out.
 */

/**
 * Frames a second (events per second × recipients) from which merging is used. Below it merging saves
 * little (at 100 clients × 1 edit/s, 10,000/s, the raw relay itself keeps up with room to spare) and
 * its wait reaches the 99th percentile; at 300 clients × 1 edit/s (90,000/s) it is used.
 */
const HEAVY_FRAMES_PER_S = 50_000;

/**
 * A long pause counts as this much at most, so a room that quietens is judged quiet again within a few
 * events (a weight of 0.2) or a few hundred (0.01).
 */
const MAX_GAP_MS = 100;

/** The time between events, smoothed exponentially with `weight` given to the newest gap. */
export class SmoothedGap {
  /** The smoothed gap in ms (a quiet room's at first). */
  ms = MAX_GAP_MS;
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly weight: number) {}

  /** Counts an event at `now` (clock ms). */
  note(now: number): void {
    this.ms += (Math.min(now - this.lastAt, MAX_GAP_MS) - this.ms) * this.weight;
    this.lastAt = now;
  }

  /** Whether events this far apart, each to `recipients` connections, make a heavy fan-out. */
  heavyFor(recipients: number): boolean {
    return (recipients * 1000) / Math.max(this.ms, 0.001) >= HEAVY_FRAMES_PER_S;
  }
}
