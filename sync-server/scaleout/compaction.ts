import type Redis from 'ioredis';
import type { Pool } from 'pg';
import * as Y from 'yjs';
import {
  compareStreamIds,
  docStreamKey,
  nextStreamId,
  READER_STALE_MS,
  readersKey,
  STREAM_START,
} from './keys';
import { readEntriesAfter } from './redis-entries';
import { inTransaction, readSnapshot, tryCompactionLock, writeSnapshot } from './snapshots';

export type CompactionResult =
  /** A new snapshot covers the stream up to `covers`; entries up to it may be trimmed. */
  | { status: 'compacted'; covers: string; entries: number; bytes: number }
  /** Another worker holds this room's lock right now. */
  | { status: 'busy' }
  /** Nothing new: the stream holds no entry after the snapshot (covered ones may still be trimmed). */
  | { status: 'current'; covers: string };

export interface CompactionOptions {
  redis: Redis;
  pool: Pool;
  /**
   * Entries younger than this stay in the stream even when a snapshot covers them, so an instance
   * whose read loop is a little behind still reads them (it does not re-read the snapshot).
   */
  trimGraceMs: number;
  now?: () => number;
}

/** Hears every run of one `Compaction` (the metrics). */
export interface CompactionObserver {
  /** A run ended: its status, or `failed` when it threw (PostgreSQL or Redis unreachable). */
  ran(result: CompactionResult['status'] | 'failed'): void;
  /** The stream was trimmed: entries before `keepFrom` are gone, `removed` of them by this trim. */
  trimmed(keepFrom: string, removed: number): void;
}

/**
 * Merges a room's snapshot and stream into a new snapshot, then trims the stream. The order is what
 * makes it safe: the snapshot is committed first (under a PostgreSQL advisory lock, so two workers
 * never interleave), and the stream is trimmed by entry id — only entries the committed snapshot
 * contains — never by length, which would drop entries that later ones depend on.
 */
export class Compaction {
  private readonly now: () => number;
  private readonly observers = new Set<CompactionObserver>();

  constructor(private readonly options: CompactionOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Returns the unsubscribe. */
  observe(observer: CompactionObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** `extra` (optional) is merged in too: a migration's document, or a state a caller asked to store. */
  async compact(room: string, extra?: Uint8Array): Promise<CompactionResult> {
    let result: CompactionResult;
    try {
      result = await this.run(room, extra);
    } catch (error) {
      for (const observer of this.observers) observer.ran('failed');
      throw error;
    }
    for (const observer of this.observers) observer.ran(result.status);
    return result;
  }

  private async run(room: string, extra?: Uint8Array): Promise<CompactionResult> {
    const { redis, pool } = this.options;
    const key = docStreamKey(room);
    const result = await inTransaction(pool, async (client): Promise<CompactionResult> => {
      if (!(await tryCompactionLock(client, room))) return { status: 'busy' };
      const snapshot = await readSnapshot(client, room);
      const covered = snapshot?.covers ?? STREAM_START;
      const entries = await readEntriesAfter(redis, key, covered);
      if (entries.length === 0 && extra === undefined) return { status: 'current', covers: covered };
      // Applied to a document rather than merged as updates: deleted content is garbage-collected.
      const doc = new Y.Doc();
      Y.transact(doc, () => {
        if (snapshot) Y.applyUpdate(doc, snapshot.state);
        for (const entry of entries) Y.applyUpdate(doc, entry.update);
        if (extra) Y.applyUpdate(doc, extra);
      });
      const state = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      const covers = entries.at(-1)?.id ?? covered;
      await writeSnapshot(client, room, state, covers);
      return { status: 'compacted', covers, entries: entries.length, bytes: state.byteLength };
    });
    // Also when nothing was new: entries an earlier run kept for a slow reader may go now.
    if (result.status !== 'busy' && result.covers !== STREAM_START) {
      // Committed above; only now may the covered entries go. A failed trim only leaves them longer.
      const keepFrom = await this.trimBoundary(room, result.covers);
      const removed = await redis.xtrim(key, 'MINID', keepFrom);
      for (const observer of this.observers) observer.trimmed(keepFrom, removed);
    }
    return result;
  }

  /**
   * The first entry to keep: after the one the snapshot covers, but never past what a live instance
   * has not read yet (its registered cursor), nor younger than the grace period. An instance's read
   * loop does not re-read the snapshot, so an entry trimmed before it read it would be a gap.
   */
  private async trimBoundary(room: string, covers: string): Promise<string> {
    const now = this.now();
    let keepFrom = nextStreamId(covers);
    const readers = await this.options.redis.hgetall(readersKey(room));
    const stale: string[] = [];
    for (const [instance, value] of Object.entries(readers)) {
      const [cursor, reportedAt] = value.split(' ');
      if (!cursor || now - Number(reportedAt) > READER_STALE_MS) {
        stale.push(instance);
        continue;
      }
      const after = nextStreamId(cursor);
      if (compareStreamIds(after, keepFrom) < 0) keepFrom = after;
    }
    // A dead instance's registration would hold the stream forever.
    if (stale.length > 0) await this.options.redis.hdel(readersKey(room), ...stale);
    if (this.options.trimGraceMs > 0) {
      const graceBoundary = `${Math.max(0, now - this.options.trimGraceMs)}-0`;
      if (compareStreamIds(graceBoundary, keepFrom) < 0) keepFrom = graceBoundary;
    }
    return keepFrom;
  }
}
