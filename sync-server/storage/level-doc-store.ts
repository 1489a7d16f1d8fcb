import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import * as Y from 'yjs';
import type { DocStore, RoomSummary, StoredDoc, StoredRoom } from '../core/doc-store';
import { historyKey, historyRange, LevelHistory } from './level-history';

/**
 * LevelDB layout (after y-leveldb's: an update log keyed by a per-room counter):
 *   `u!<room>!<seq as 12 hex digits>` → one Yjs update (binary)
 *   `m!<room>` → JSON RoomMeta
 *   `c!<key>` → a small record beside the documents (revocations), never part of a room or backup
 *   `h!<room>!…` → the room's history (level-history.ts): every update with the time it was stored
 * Room names never contain `!`, so a room's keys form one contiguous range. A write is handed to
 * the kernel before its promise resolves, so it survives `kill -9` of the server; `sync: true`
 * (the `fsync` option) also survives power loss, at a large cost in latency.
 *
 * The writes of one room run one at a time, in the order they were issued: each allocates its
 * sequence number from the room's metadata, and two writes reading the same metadata would write
 * the same key (the later one silently replacing the earlier). A replace thereby deletes exactly
 * the entries issued before it, which its state covers, in the same atomic batch that writes it.
 * An append's history key is in the same batch as its log entry (S13.1): the history never holds
 * what the log does not, and a compaction leaves it alone.
 */
interface RoomMeta {
  seq: number;
  entries: number;
  bytes: number;
  updatedAt: number;
  /** 1 when the history holds everything the room ever stored (absent: written without history). */
  h?: 1;
  /** The time of the room's newest history segment (the next one is never earlier). */
  ht?: number;
}

export interface LevelDocStoreOptions {
  /** fsync every write (survives power loss; kill -9 is survived either way). */
  fsync?: boolean;
  /** The clock that stamps writes and history segments (the server's injected clock). */
  now?: () => number;
  /** Keep every stored update in the room's history (S13); default true. */
  history?: boolean;
}

const updateKey = (room: string, seq: number) => `u!${room}!${seq.toString(16).padStart(12, '0')}`;
const roomRange = (room: string) => ({ gt: `u!${room}!`, lt: `u!${room}!~` });
const metaKey = (room: string) => `m!${room}`;

export class LevelDocStore implements DocStore {
  private readonly db: ClassicLevel<string, Uint8Array>;
  private readonly metas = new Map<string, RoomMeta>();
  /** The last write issued per room; the next one starts after it settles. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly sync: boolean;
  private readonly now: () => number;
  private readonly keepHistory: boolean;
  readonly history: LevelHistory | undefined;

  private constructor(location: string, options: LevelDocStoreOptions) {
    this.db = new ClassicLevel<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
    this.sync = options.fsync ?? false;
    this.now = options.now ?? Date.now;
    this.keepHistory = options.history ?? true;
    this.history = this.keepHistory
      ? new LevelHistory({
          db: this.db,
          sync: this.sync,
          inOrder: (room, write) => this.inOrder(room, write),
        })
      : undefined;
  }

  /**
   * True when `location` holds a LevelDB database: LevelDB keeps the name of its current manifest
   * in a file named CURRENT and writes it when it creates one. Checked without opening, which would
   * create the directory and a lock file.
   */
  static holdsStore(location: string): boolean {
    return existsSync(join(location, 'CURRENT'));
  }

  /** Opens (creating if needed) the database in `location`; rejects if another process holds it. */
  static async open(location: string, options: LevelDocStoreOptions = {}): Promise<LevelDocStore> {
    const store = new LevelDocStore(location, options);
    await store.db.open();
    return store;
  }

  async load(room: string): Promise<StoredDoc> {
    const updates: Uint8Array[] = [];
    for await (const value of this.db.values(roomRange(room))) updates.push(value);
    return { updates };
  }

  append(room: string, update: Uint8Array): Promise<void> {
    return this.inOrder(room, () => this.appendNow(room, update));
  }

  replace(room: string, state: Uint8Array): Promise<void> {
    return this.inOrder(room, () => this.replaceNow(room, state));
  }

  /** The room's entries, history and metadata go in one atomic batch, after its earlier writes. */
  delete(room: string): Promise<void> {
    return this.inOrder(room, async () => {
      const keys: string[] = [];
      for await (const key of this.db.keys(roomRange(room))) keys.push(key);
      for await (const key of this.db.keys(historyRange(room))) keys.push(key);
      await this.db.batch(
        [...keys, metaKey(room)].map((key) => ({ type: 'del' as const, key })),
        { sync: this.sync },
      );
      this.metas.delete(room);
      const { gt, lt } = roomRange(room);
      this.db.compactRange(gt, lt).catch(() => {});
      const history = historyRange(room);
      this.db.compactRange(history.gt, history.lt).catch(() => {});
    });
  }

  private async appendNow(room: string, update: Uint8Array): Promise<void> {
    const meta = await this.meta(room);
    const now = this.now();
    const next: RoomMeta = {
      seq: meta.seq + 1,
      entries: meta.entries + 1,
      bytes: meta.bytes + update.byteLength,
      updatedAt: now,
      ...(meta.ht !== undefined ? { ht: meta.ht } : {}),
    };
    const history: Array<{ type: 'put'; key: string; value: Uint8Array }> = [];
    if (this.keepHistory) {
      // A room stored without history (before it was kept, or while it was off) starts it with
      // what its log holds, so every version holds the whole document up to its time.
      if (meta.h === undefined && meta.entries > 0) history.push(await this.seedHistory(room, meta, now));
      const time = Math.max(now, meta.ht ?? 0);
      history.push({ type: 'put', key: historyKey(room, time, next.seq, update.byteLength), value: update });
      next.h = 1;
      next.ht = time;
    }
    await this.db.batch(
      [
        { type: 'put', key: updateKey(room, next.seq), value: update },
        ...history,
        { type: 'put', key: metaKey(room), value: encodeMeta(next) },
      ],
      { sync: this.sync },
    );
    this.metas.set(room, next);
  }

  /** The room's whole log as one history segment, stamped when it was last written. */
  private async seedHistory(
    room: string,
    meta: RoomMeta,
    now: number,
  ): Promise<{ type: 'put'; key: string; value: Uint8Array }> {
    const updates: Uint8Array[] = [];
    for await (const value of this.db.values(roomRange(room))) updates.push(value);
    const state = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
    const time = Math.max(Math.min(meta.updatedAt || now, now), meta.ht ?? 0);
    meta.ht = time;
    return { type: 'put', key: historyKey(room, time, meta.seq, state.byteLength), value: state };
  }

  private async replaceNow(room: string, state: Uint8Array): Promise<void> {
    const meta = await this.meta(room);
    const now = this.now();
    const next: RoomMeta = {
      seq: meta.seq + 1,
      entries: 1,
      bytes: state.byteLength,
      updatedAt: now,
      ...(meta.ht !== undefined ? { ht: meta.ht } : {}),
    };
    const history: Array<{ type: 'put'; key: string; value: Uint8Array }> = [];
    if (this.keepHistory) {
      // A compaction's state holds what the history holds already. A room whose history does not
      // hold everything (first written by this replace: a restore, a migration) starts it here.
      if (meta.h === undefined) {
        const time = Math.max(now, meta.ht ?? 0);
        history.push({ type: 'put', key: historyKey(room, time, next.seq, state.byteLength), value: state });
        next.ht = time;
      }
      next.h = 1;
    }
    // Only entries below the new one: everything issued before this replace, nothing after it.
    const old: string[] = [];
    for await (const key of this.db.keys({ gt: `u!${room}!`, lt: updateKey(room, next.seq) })) old.push(key);
    // One atomic batch: a crash leaves either the old log or the merged state, never neither.
    await this.db.batch(
      [
        ...old.map((key) => ({ type: 'del' as const, key })),
        { type: 'put' as const, key: updateKey(room, next.seq), value: state },
        ...history,
        { type: 'put' as const, key: metaKey(room), value: encodeMeta(next) },
      ],
      { sync: this.sync },
    );
    this.metas.set(room, next);
    // Reclaim the deleted entries' disk space in the background (LevelDB keeps tombstones until
    // it compacts that range).
    const { gt, lt } = roomRange(room);
    this.db.compactRange(gt, lt).catch(() => {});
  }

  async list(): Promise<RoomSummary[]> {
    const rooms: RoomSummary[] = [];
    for await (const [key, value] of this.db.iterator({ gt: 'm!', lt: 'm!~' })) {
      const meta = decodeMeta(value);
      rooms.push({ room: key.slice(2), entries: meta.entries, bytes: meta.bytes, updatedAt: meta.updatedAt });
    }
    return rooms;
  }

  /**
   * Every room `include` accepts with its stored updates, all read from one LevelDB snapshot taken
   * when the iteration starts: the whole store at one point in time, however long the reading takes
   * and whatever is written meanwhile (S10).
   */
  async *loadAll(include: (room: string) => boolean): AsyncGenerator<StoredRoom> {
    const snapshot = this.db.snapshot();
    try {
      const rooms: RoomSummary[] = [];
      for await (const [key, value] of this.db.iterator({ gt: 'm!', lt: 'm!~', snapshot })) {
        const room = key.slice(2);
        if (!include(room)) continue;
        const meta = decodeMeta(value);
        rooms.push({ room, entries: meta.entries, bytes: meta.bytes, updatedAt: meta.updatedAt });
      }
      for (const summary of rooms) {
        const updates: Uint8Array[] = [];
        for await (const value of this.db.values({ ...roomRange(summary.room), snapshot }))
          updates.push(value);
        yield { ...summary, updates };
      }
    } finally {
      await snapshot.close();
    }
  }

  /** The records under `c!<prefix>`, by the rest of their key. */
  async readRecords(prefix: string): Promise<Map<string, string>> {
    const records = new Map<string, string>();
    const from = `c!${prefix}`;
    for await (const [key, value] of this.db.iterator({ gt: from, lt: `${from}~` })) {
      records.set(key.slice(from.length), new TextDecoder().decode(value));
    }
    return records;
  }

  async readRecord(key: string): Promise<string | null> {
    const value = await this.db.get(`c!${key}`);
    return value === undefined ? null : new TextDecoder().decode(value);
  }

  async writeRecord(key: string, value: string): Promise<void> {
    await this.db.put(`c!${key}`, new TextEncoder().encode(value), { sync: this.sync });
  }

  async close(): Promise<void> {
    await Promise.all(this.tails.values());
    await this.db.close();
  }

  /** Runs `write` after every earlier write of `room` has settled (succeeded or failed). */
  private inOrder(room: string, write: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(room);
    const run = previous ? previous.then(write) : write();
    const tail = run.catch(() => {});
    this.tails.set(room, tail);
    void tail.then(() => {
      if (this.tails.get(room) === tail) this.tails.delete(room);
    });
    return run;
  }

  private async meta(room: string): Promise<RoomMeta> {
    const cached = this.metas.get(room);
    if (cached) return cached;
    const stored = await this.db.get(metaKey(room));
    const meta = stored ? decodeMeta(stored) : { seq: 0, entries: 0, bytes: 0, updatedAt: 0 };
    this.metas.set(room, meta);
    return meta;
  }
}

function encodeMeta(meta: RoomMeta): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(meta));
}

function decodeMeta(bytes: Uint8Array): RoomMeta {
  return JSON.parse(new TextDecoder().decode(bytes)) as RoomMeta;
}
