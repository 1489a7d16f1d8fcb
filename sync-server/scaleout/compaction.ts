import type Redis from 'ioredis';
import type { Pool, PoolClient } from 'pg';
import * as Y from 'yjs';
import { insertHistory, lastHistoryTime, stampEntries } from './history';
import {
  compareStreamIds,
  docStreamKey,
  nextStreamId,
  READER_STALE_MS,
  readersKey,
  STREAM_START,
} from './keys';
import { type DocEntry, readEntriesAfter } from './redis-entries';
import { inTransaction, readSnapshot, type Snapshot, tryCompactionLock, writeSnapshot } from './snapshots';

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
  /**
   * Move what each compaction takes from the stream into the history, in the transaction that
   * commits the snapshot (S13.1); default true.
   */
  history?: boolean;
  /** The clock that stamps history segments a caller's `extra` state adds (the server's clock). */
  stamp?: () => number;
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
      });
      // What `extra` adds to the stored document (a migrated room's content), for the history.
      let added: Uint8Array | null = null;
      if (extra) {
        const capture = (update: Uint8Array) => {
          added = update;
        };
        doc.on('update', capture);
        Y.applyUpdate(doc, extra);
        doc.off('update', capture);
      }
      const state = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      const covers = entries.at(-1)?.id ?? covered;
      const history = this.options.history ?? true;
      if (history) await this.recordHistory(client, room, snapshot, entries, added);
      await writeSnapshot(client, room, state, covers, history);
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
   * The entries this compaction takes from the stream, stamped as the history listed them; before
   * them a snapshot written without history (its state starts the history), after them what a
   * caller's state adds. Inside the compaction's transaction: committed with the snapshot, before
   * any entry is trimmed, or not at all.
   */
  private async recordHistory(
    client: PoolClient,
    room: string,
    snapshot: Snapshot | null,
    entries: readonly DocEntry[],
    added: Uint8Array | null,
  ): Promise<void> {
    let last = (await lastHistoryTime(client, room)) ?? 0;
    const segments: Array<{ time: number; update: Uint8Array }> = [];
    if (snapshot && !snapshot.history) {
      last = Math.max(snapshot.updatedAt, last);
      segments.push({ time: last, update: snapshot.state });
    }
    const times = stampEntries(entries, last);
    for (const [i, entry] of entries.entries()) segments.push({ time: times[i]!, update: entry.update });
    last = times.at(-1) ?? last;
    if (added) segments.push({ time: Math.max((this.options.stamp ?? Date.now)(), last), update: added });
    await insertHistory(client, room, segments);
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
