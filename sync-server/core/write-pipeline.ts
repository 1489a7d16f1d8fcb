import * as Y from 'yjs';
import type { DocStore } from './doc-store';
import { SmoothedGap } from './fan-out';
import type { Clock, CoreMetrics, Logger } from './ports';
import { RetryBackoff } from './retry-backoff';

/** A run of updates written to the store as one merged entry. */
export interface DurableBatch {
  /** The merged update that was stored. */
  readonly update: Uint8Array;
  /** Who sent the updates (connections), so a broadcast can skip a lone sender. */
  readonly origins: ReadonlySet<unknown>;
  /**
   * The document's state vector when the batch was cut: what is durable once it is written. Null
   * when no connection asked for durable acks.
   */
  readonly stateVector: Uint8Array | null;
}

interface OpenBatch {
  updates: Uint8Array[];
  origins: Set<unknown>;
  after: Array<() => void>;
}

export interface WritePipelineOptions {
  room: string;
  store: DocStore;
  clock: Clock;
  logger: Logger;
  metrics: CoreMetrics;
  /** Entries in the stored log when the room loaded. */
  initialEntries: number;
  /** Compact the log into one entry once it holds this many. */
  compactThreshold: number;
  /**
   * Extra time a batch stays open to merge more updates while they come close together (0: just
   * the current event-loop turn). A lone update never waits for it.
   */
  batchWindowMs: number;
  /**
   * How many connections a stored batch goes out to. The window is only worth its latency when the
   * room's fan-out (updates per second × recipients) is heavy; absent: the rate alone decides.
   */
  recipients?(): number;
  /**
   * The document's current state vector, taken when a batch is cut, or null when nobody needs it
   * (with hundreds of clients in a document it costs more than the rest of the batch's handling).
   */
  stateVector(): Uint8Array | null;
  /** The whole document as one update (for compaction). */
  snapshot(): Uint8Array;
  /** Called once a batch is stored, before anything waiting on it runs. */
  onDurable(batch: DurableBatch): void;
}

/**
 * The window pays only when another update is likely to arrive within it, i.e. when updates come
 * less than a window apart on average: that average is smoothed over the last few updates.
 */
const GAP_SMOOTHING = 0.2;
/**
 * Whether the fan-out is heavy is judged over the last few hundred updates (a second or two of a busy
 * room before the window is used). On the window's average, randomly spaced updates stray by a third
 * of it, so at 200 clients × 1 edit/s (39,800 deliveries/s, 5 ms apart on average) about a quarter of
 * the updates found the room "heavy" and waited for the window.
 */
const RATE_SMOOTHING = 0.01;

/**
 * Serialises one room's appends; its compaction runs beside them, one at a time (S3.1). Updates that
 * arrive while a write is in flight, within one event-loop turn, or (while they come fast) within the
 * batch window are merged into the next batch, so throughput does not depend on write latency.
 * Nothing leaves the server before it is stored: callers attach their sends with `afterDurable`.
 * A failed write is retried with backoff and never dropped; the document stays in memory meanwhile.
 */
export class WritePipeline {
  private open: OpenBatch | null = null;
  private writing: OpenBatch | null = null;
  private scheduled = false;
  /**
   * True from the start of a drain until it ends. One drain at a time: a compaction awaits its
   * replace with nothing in `writing`, and a second drain started then would append beside it.
   */
  private draining = false;
  /** A compaction is in flight (at most one; appends go on beside it, S3.1). */
  private compacting = false;
  private entries: number;
  private compactRequested = false;
  private drainWaiters: Array<() => void> = [];
  private stopped = false;
  /** Time between updates over the last few, for the window. */
  private readonly recentGap = new SmoothedGap(GAP_SMOOTHING);
  /** The same over the last few hundred: the sustained rate, for `heavyFanOut`. */
  private readonly sustainedGap = new SmoothedGap(RATE_SMOOTHING);

  constructor(private readonly options: WritePipelineOptions) {
    this.entries = options.initialEntries;
    if (this.entries >= options.compactThreshold) this.compactRequested = true;
  }

  /** Entries in the stored log (for metrics and tests). */
  get logEntries(): number {
    return this.entries;
  }

  /** True while some update is not yet stored. */
  get busy(): boolean {
    return (
      this.open !== null ||
      this.writing !== null ||
      this.scheduled ||
      this.draining ||
      this.compactRequested ||
      this.compacting
    );
  }

  add(update: Uint8Array, origin: unknown): void {
    this.noteArrival();
    if (this.open === null) this.open = { updates: [], origins: new Set(), after: [] };
    this.open.updates.push(update);
    this.open.origins.add(origin);
    this.schedule();
  }

  /**
   * Stores `update` before it returns, through the store's synchronous append (S2.4), when nothing
   * of this room waits to be stored and its fan-out is light: the caller then sends it on at once,
   * in the callback that read it. False, with nothing stored, when it must go through `add`: the
   * store has no synchronous append, a write or batch is outstanding (which it must not overtake),
   * the room is busy enough for batching to pay, or the append failed (the pipeline retries it).
   */
  storeAtOnce(update: Uint8Array): boolean {
    const { store, clock, metrics } = this.options;
    const appendSync = store.appendSync;
    if (appendSync === undefined || this.stopped || this.heavyFanOut()) return false;
    if (this.open !== null || this.writing !== null || this.scheduled || this.draining) return false;
    const started = clock.monotonic();
    try {
      appendSync.call(store, this.options.room, update);
    } catch (error) {
      metrics.persistFailed();
      this.options.logger.error(
        { room: this.options.room, err: error },
        'store append failed; the update goes through the write pipeline, which retries it',
      );
      return false;
    }
    const seconds = (clock.monotonic() - started) / 1000;
    // Counted once the caller's sends are out: they wait for nothing but the store.
    queueMicrotask(() => metrics.persisted(seconds, update.byteLength));
    this.noteArrival();
    this.entries++;
    if (this.entries >= this.options.compactThreshold) this.requestCompaction();
    return true;
  }

  /** Runs `fn` once everything added so far is stored (at once if nothing is outstanding). */
  afterDurable(fn: () => void): void {
    if (this.open !== null) this.open.after.push(fn);
    else if (this.writing !== null) this.writing.after.push(fn);
    else fn();
  }

  /** Asks for the log to be merged into one entry at the next quiet moment. */
  requestCompaction(): void {
    if (this.entries <= 1) return;
    this.compactRequested = true;
    this.schedule();
  }

  /** Resolves once every update added so far (and any requested compaction) is stored. */
  whenDrained(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Stops retrying (the server gives up on shutdown after its timeout). */
  stop(): void {
    this.stopped = true;
  }

  private schedule(): void {
    // A running drain picks up whatever is added meanwhile before it ends.
    if (this.scheduled || this.draining) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.drain();
    };
    // A microtask runs once the callback that read this frame returns: every frame of the chunk
    // read in it joins the batch, and nothing else (other sockets' frames) runs before the update is
    // stored and sent on. With heavy fan-out, merging pays more than that wait: afterIo runs after
    // every I/O callback of this turn, so the frames of all sockets read in it join one batch, and
    // a window of a few milliseconds (while updates come that close) also merges nearby turns:
    // fewer frames (write syscalls) per recipient.
    const window = this.options.batchWindowMs;
    if (!this.heavyFanOut()) queueMicrotask(run);
    else if (window > 0 && this.recentGap.ms < window) this.options.clock.setTimeout(run, window);
    else this.options.clock.afterIo(run);
  }

  private noteArrival(): void {
    const now = this.options.clock.now();
    this.recentGap.note(now);
    this.sustainedGap.note(now);
  }

  /**
   * Whether the room's fan-out (sustained updates per second × recipients) is heavy enough for
   * merging to pay: then updates wait for the end of the turn or the window, else they leave at once.
   */
  heavyFanOut(): boolean {
    const recipients = this.options.recipients?.();
    return recipients === undefined || this.sustainedGap.heavyFor(recipients);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (!this.stopped) {
        if (this.open !== null) {
          await this.writeBatch(this.open);
        } else if (this.compactRequested && !this.compacting) {
          this.startCompaction();
        } else {
          break;
        }
      }
    } finally {
      this.draining = false;
    }
    this.wakeDrainWaiters();
  }

  private wakeDrainWaiters(): void {
    if (this.busy) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async writeBatch(batch: OpenBatch): Promise<void> {
    this.open = null;
    this.writing = batch;
    const stateVector = this.options.stateVector();
    const update = batch.updates.length === 1 ? batch.updates[0]! : Y.mergeUpdates(batch.updates);
    const stored = await this.withRetry('append', () => this.options.store.append(this.options.room, update));
    this.writing = null;
    if (!stored) return;
    this.entries++;
    if (this.entries >= this.options.compactThreshold) this.compactRequested = true;
    this.options.metrics.persisted(stored.seconds, update.byteLength);
    this.options.onDurable({ update, origins: batch.origins, stateVector });
    for (const fn of batch.after) fn();
  }

  /**
   * Replaces the log by the document's state without holding the appends behind it (S3.1): a
   * compaction writes the whole state (and, with history, moves every entry it covers), which
   * would otherwise delay each update that arrives meanwhile. The store runs the appends issued
   * after it after it (S3.2), so none of them is lost.
   */
  private startCompaction(): void {
    this.compactRequested = false;
    this.compacting = true;
    const entriesBefore = this.entries;
    void this.compact().then((compacted) => {
      // The merged state, plus every append stored since it was cut.
      this.compacting = false;
      if (compacted) {
        this.entries = 1 + (this.entries - entriesBefore);
        if (this.entries >= this.options.compactThreshold) this.compactRequested = true;
      }
      if (this.compactRequested || this.open !== null) this.schedule();
      this.wakeDrainWaiters();
    });
  }

  private async compact(): Promise<boolean> {
    try {
      // The snapshot may include updates of the open batch; storing them early is harmless. It
      // throws when the stored document cannot be built (the room then goes out of service, S7).
      const state = this.options.snapshot();
      await this.options.store.replace(this.options.room, state);
      return true;
    } catch (error) {
      // The log is still complete, only longer: try again at the next threshold or unload.
      this.options.logger.warn({ room: this.options.room, err: error }, 'compaction failed');
      return false;
    }
  }

  /** Writes until it succeeds; null only when the pipeline was stopped first. */
  private async withRetry(what: string, write: () => Promise<void>): Promise<{ seconds: number } | null> {
    const backoff = new RetryBackoff();
    for (;;) {
      const started = this.options.clock.monotonic();
      try {
        await write();
        return { seconds: (this.options.clock.monotonic() - started) / 1000 };
      } catch (error) {
        const delay = backoff.next();
        this.options.metrics.persistFailed();
        this.options.logger.error(
          { room: this.options.room, err: error, retryInMs: delay },
          `store ${what} failed; the document stays in memory and the write is retried`,
        );
        if (this.stopped) return null;
        await new Promise<void>((resolve) => this.options.clock.setTimeout(resolve, delay));
        // Stopped meanwhile (shutdown gave up, or the room was deleted): a write now would land
        // after whatever the store did since.
        if (this.stopped) return null;
      }
    }
  }
}
