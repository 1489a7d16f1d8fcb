import type Redis from 'ioredis';
import type { Pool } from 'pg';
import type { DocStore, RoomSummary, StoredDoc } from '../core/doc-store';
import type { Compaction } from './compaction';
import { RedisHistory } from './history';
import {
  COMPACTION_QUEUE_KEY,
  compareStreamIds,
  DOC_STREAM_PREFIX,
  docStreamKey,
  ENTRY_INSTANCE_FIELD,
  ENTRY_TIME_FIELD,
  ENTRY_UPDATE_FIELD,
  readersKey,
  STREAM_START,
} from './keys';
import { readEntriesAfter } from './redis-entries';
import {
  deleteSnapshot,
  inTransaction,
  listSnapshots,
  readCovers,
  readSnapshot,
  waitForCompactionLock,
} from './snapshots';

export interface RedisDocStoreOptions {
  /** Commands connection (not the blocking reader's). */
  redis: Redis;
  pool: Pool;
  compaction: Compaction;
  /** Written into every entry so this instance's read loop skips what it appended itself. */
  instanceId: string;
  /**
   * `queue`: `replace` asks the compaction workers (a Redis work queue) and returns; `inline`: it
   * compacts at once (the contract suite, the migration).
   */
  replaceMode: 'queue' | 'inline';
  /** The clock that stamps each entry for the history (the server's injected clock). */
  now?: () => number;
  /** Serve the history the compaction keeps (S13); default true. */
  history?: boolean;
}

/** Compaction requests kept in the queue at most (requests are idempotent hints; old ones may go). */
const COMPACTION_QUEUE_MAX = 10_000;
/** A load retries when a compaction moved the snapshot while it read the stream; this many times. */
const LOAD_ATTEMPTS = 5;

/**
 * The scale-out `DocStore`: a document is its PostgreSQL snapshot plus the entries of its Redis
 * stream after the one the snapshot covers. `append` is one XADD; the stream is the durable log
 * (Redis with an append-only file), compacted into PostgreSQL by the workers.
 */
export class RedisDocStore implements DocStore {
  readonly history: RedisHistory | undefined;
  private readonly now: () => number;

  constructor(private readonly options: RedisDocStoreOptions) {
    this.now = options.now ?? Date.now;
    this.history = (options.history ?? true) ? new RedisHistory(options.redis, options.pool) : undefined;
  }

  async load(room: string): Promise<StoredDoc> {
    const { redis, pool } = this.options;
    for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
      const snapshot = await readSnapshot(pool, room);
      const covered = snapshot?.covers ?? STREAM_START;
      const entries = await readEntriesAfter(redis, docStreamKey(room), covered);
      // A compaction that committed and trimmed between the two reads took entries we did not see:
      // the snapshot moved, so read again.
      if ((await readCovers(pool, room)) !== (snapshot?.covers ?? null)) continue;
      const updates = entries.map((entry) => entry.update);
      if (snapshot) updates.unshift(snapshot.state);
      return { updates, cursor: entries.at(-1)?.id ?? covered };
    }
    throw new Error(`loading ${room}: the snapshot kept moving during ${LOAD_ATTEMPTS} attempts`);
  }

  async append(room: string, update: Uint8Array): Promise<void> {
    await this.options.redis.xadd(
      docStreamKey(room),
      '*',
      ENTRY_UPDATE_FIELD,
      Buffer.from(update.buffer, update.byteOffset, update.byteLength),
      ENTRY_INSTANCE_FIELD,
      this.options.instanceId,
      ENTRY_TIME_FIELD,
      String(this.now()),
    );
  }

  async replace(room: string, state: Uint8Array): Promise<void> {
    if (this.options.replaceMode === 'inline') {
      // Merges `state` with everything stored (other instances may have appended what it lacks).
      for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
        const result = await this.options.compaction.compact(room, state);
        if (result.status !== 'busy') return;
        await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
      }
      throw new Error(`compacting ${room}: another worker kept the lock`);
    }
    await this.options.redis.xadd(
      COMPACTION_QUEUE_KEY,
      'MAXLEN',
      '~',
      COMPACTION_QUEUE_MAX,
      '*',
      'room',
      room,
    );
  }

  /**
   * Under the room's compaction lock (a compaction running now finishes first; one starting later
   * finds nothing): the snapshot row and the history go, then the stream and its readers, then the
   * rows' deletion commits. The stream is deleted on the commands connection, after every append issued before.
   * A failure before the commit leaves the room whole; one at the commit leaves the old snapshot,
   * and a repeated delete removes it.
   */
  async delete(room: string): Promise<void> {
    await inTransaction(this.options.pool, async (client) => {
      await waitForCompactionLock(client, room);
      await deleteSnapshot(client, room);
      await this.options.redis.del(docStreamKey(room), readersKey(room));
    });
  }

  async list(): Promise<RoomSummary[]> {
    const { redis, pool } = this.options;
    const rooms = new Map<string, RoomSummary>();
    for (const snapshot of await listSnapshots(pool)) {
      rooms.set(snapshot.room, {
        room: snapshot.room,
        entries: 1,
        bytes: snapshot.bytes,
        updatedAt: snapshot.updatedAt,
      });
    }
    for (const room of await this.streamRooms()) {
      const summary = rooms.get(room) ?? { room, entries: 0, bytes: 0, updatedAt: 0 };
      const entries = await readEntriesAfter(redis, docStreamKey(room), STREAM_START);
      const covers = rooms.has(room) ? await readCovers(pool, room) : null;
      for (const entry of entries) {
        if (covers !== null && compareStreamIds(entry.id, covers) <= 0) continue;
        summary.entries++;
        summary.bytes += entry.update.byteLength;
        summary.updatedAt = Math.max(summary.updatedAt, Number(entry.id.split('-')[0]));
      }
      if (summary.entries > 0) rooms.set(room, summary);
    }
    return [...rooms.values()];
  }

  /** Connections belong to the scale-out composition, which closes them. */
  async close(): Promise<void> {}

  /** Every room that has a stream in Redis (SCAN, so a large keyspace does not block Redis). */
  async streamRooms(): Promise<string[]> {
    const rooms: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.options.redis.scan(
        cursor,
        'MATCH',
        `${DOC_STREAM_PREFIX}*`,
        'COUNT',
        500,
      );
      cursor = next;
      for (const key of keys) rooms.push(key.slice(DOC_STREAM_PREFIX.length));
    } while (cursor !== '0');
    return rooms;
  }
}
