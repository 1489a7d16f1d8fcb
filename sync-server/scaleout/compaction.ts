import type Redis from 'ioredis';
import type { Pool } from 'pg';
import * as Y from 'yjs';
import { compareStreamIds, docStreamKey, nextStreamId, STREAM_START } from './keys';
import { readEntriesAfter } from './redis-entries';
import { inTransaction, readSnapshot, tryCompactionLock, writeSnapshot } from './snapshots';

export type CompactionResult =
  /** A new snapshot covers the stream up to `covers`; entries up to it may be trimmed. */
  | { status: 'compacted'; covers: string; entries: number; bytes: number }
  /** Another worker holds this room's lock right now. */
  | { status: 'busy' }
  /** Nothing to do: the stream holds no entry after the snapshot. */
  | { status: 'current' };

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

/**
 * Merges a room's snapshot and stream into a new snapshot, then trims the stream. The order is what
 * makes it safe: the snapshot is committed first (under a PostgreSQL advisory lock, so two workers
 * never interleave), and the stream is trimmed by entry id — only entries the committed snapshot
 * contains — never by length, which would drop entries that later ones depend on.
 */
export class Compaction {
  private readonly now: () => number;

  constructor(private readonly options: CompactionOptions) {
    this.now = options.now ?? Date.now;
  }

  /** `extra` (optional) is merged in too: a migration's document, or a state a caller asked to store. */
  async compact(room: string, extra?: Uint8Array): Promise<CompactionResult> {
    const { redis, pool } = this.options;
    const key = docStreamKey(room);
    const result = await inTransaction(pool, async (client): Promise<CompactionResult> => {
      if (!(await tryCompactionLock(client, room))) return { status: 'busy' };
      const snapshot = await readSnapshot(client, room);
      const covered = snapshot?.covers ?? STREAM_START;
      const entries = await readEntriesAfter(redis, key, covered);
      if (entries.length === 0 && extra === undefined) return { status: 'current' };
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
    if (result.status === 'compacted' && result.covers !== STREAM_START) {
      // Committed above; only now may the covered entries go. A failed trim only leaves them longer.
      const graceBoundary = `${Math.max(0, this.now() - this.options.trimGraceMs)}-0`;
      const keepFrom = nextStreamId(result.covers);
      const minId =
        this.options.trimGraceMs > 0 && compareStreamIds(graceBoundary, keepFrom) < 0
          ? graceBoundary
          : keepFrom;
      await redis.xtrim(key, 'MINID', minId);
    }
    return result;
  }
}
