import * as Y from 'yjs';
import type { DocStore, HistoryLog, HistoryMerge } from '../core/doc-store';
import type { Clock, Logger } from '../core/ports';
import {
  formatHistoryTiers,
  type HistoryTier,
  resolveVersion,
  retentionMs,
  thinningPlan,
  type VersionInfo,
  versionsOf,
} from './policy';

export interface HistoryOptions {
  store: DocStore;
  /** The server's clock: what "now" is for the tiers (tests move it). */
  clock: Clock;
  /** Null: the server keeps no history. */
  tiers: readonly HistoryTier[] | null;
  logger: Logger;
  /** How often the thinning pass runs (default hourly); the first runs `firstPassMs` after start. */
  thinEveryMs?: number;
  firstPassMs?: number;
}

export interface Version {
  time: number;
  /** Every update stored up to `time`, as one Yjs update (apply it to an empty document). */
  update: Uint8Array;
}

const HOUR = 3_600_000;
/** A read that a merge overtook (between listing and reading) is tried again this many times. */
const READ_ATTEMPTS = 5;

/**
 * The versions of every room (S13): which are kept (policy.ts), how one is rebuilt, and the thinning
 * pass that merges the segments of each kept version and the expired ones into a base. Reads never
 * load a room or write anything; the pass writes only through the store's atomic `merge`.
 */
export class History {
  private readonly log: HistoryLog | null;
  private readonly tiers: readonly HistoryTier[] | null;
  private timer: unknown = null;
  private pass: Promise<void> | null = null;
  private stopped = false;
  private readonly thinning = new Set<string>();

  constructor(private readonly options: HistoryOptions) {
    this.log = options.tiers === null ? null : (options.store.history ?? null);
    this.tiers = this.log === null ? null : options.tiers;
  }

  /** Whether versions are kept and served. */
  get enabled(): boolean {
    return this.tiers !== null;
  }

  /** The tiers as configured (`24h:all,30d:1h,365d:1d`), or `off`. */
  get retention(): string {
    return formatHistoryTiers(this.tiers);
  }

  now(): number {
    return this.options.clock.now();
  }

  /**
   * Whether a version at or before `at` may exist at all: false before the retention window, which
   * is known without reading the store.
   */
  mayHold(at: number): boolean {
    return this.tiers !== null && at >= this.now() - retentionMs(this.tiers);
  }

  /** The kept versions of `room`, oldest first (empty without history). */
  async versions(room: string): Promise<VersionInfo[]> {
    if (this.log === null || this.tiers === null) return [];
    return versionsOf(await this.log.segments(room), this.now(), this.tiers);
  }

  /** The newest kept version of `room` at or before `at`, rebuilt; null when there is none. */
  async version(room: string, at: number): Promise<Version | null> {
    if (this.log === null || this.tiers === null || !this.mayHold(at)) return null;
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const found = resolveVersion(await this.versions(room), at);
      if (found === null) return null;
      const entries = await this.log.read(room, found.time);
      // A thinning pass that merged this version's last segment into a later one in between: the
      // read lacks it. Listing again finds the version as it is now.
      if (entries.at(-1)?.time !== found.time) continue;
      const updates = entries.map((entry) => entry.update);
      return { time: found.time, update: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates) };
    }
    throw new Error(
      `reading a version of ${room}: the history kept changing during ${READ_ATTEMPTS} attempts`,
    );
  }

  /**
   * Merges the room's segments as the tiers keep them now; returns how many segments went. A room
   * that another pass is thinning, or that changed under this one, is left for the next pass.
   */
  async thin(room: string): Promise<number> {
    if (this.log === null || this.tiers === null || this.thinning.has(room)) return 0;
    this.thinning.add(room);
    try {
      const plan = thinningPlan(await this.log.segments(room), this.now(), this.tiers);
      if (plan.length === 0) return 0;
      const entries = new Map((await this.log.read(room, plan.at(-1)!.time)).map((e) => [e.id, e.update]));
      const merges: HistoryMerge[] = [];
      for (const group of plan) {
        const updates = group.segments.map((segment) => entries.get(segment.id));
        if (updates.some((update) => update === undefined)) return 0;
        let update = Y.mergeUpdates(updates as Uint8Array[]);
        // Nothing older than the base is ever served, so what was deleted before it need not be
        // kept: the base is stored as a document encodes itself (deleted content garbage-collected,
        // as compaction does for the live log). Pending structs stay in the encoding.
        if (group.tier < 0) update = encodeCollected(update);
        merges.push({ ids: group.segments.map((s) => s.id), time: group.time, update });
      }
      if (!(await this.log.merge(room, merges))) return 0;
      return merges.reduce((sum, merge) => sum + merge.ids.length - 1, 0);
    } finally {
      this.thinning.delete(room);
    }
  }

  /** Thins every stored room, one at a time; returns the segments merged away. */
  async thinAll(): Promise<number> {
    if (this.log === null) return 0;
    let merged = 0;
    const rooms = this.log.rooms
      ? await this.log.rooms()
      : (await this.options.store.list()).map((summary) => summary.room);
    for (const room of rooms) {
      if (this.stopped) break;
      try {
        merged += await this.thin(room);
      } catch (error) {
        this.options.logger.warn({ room, err: error }, 'thinning the history failed; the next pass retries');
      }
      // One room's merge is synchronous work: let connections be served between rooms.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return merged;
  }

  /** Runs the thinning pass periodically on the injected clock (S11.1). */
  start(): void {
    if (this.log === null || this.timer !== null) return;
    this.schedule(this.options.firstPassMs ?? 60_000);
  }

  /** Stops the timer and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      this.pass = this.thinAll().then(
        (merged) => {
          if (merged > 0) this.options.logger.info({ merged }, 'history thinned');
        },
        (error: unknown) => this.options.logger.warn({ err: error }, 'history thinning pass failed'),
      );
      void this.pass.then(() => this.schedule(this.options.thinEveryMs ?? HOUR));
    }, delayMs);
  }
}

function encodeCollected(update: Uint8Array): Uint8Array {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}
