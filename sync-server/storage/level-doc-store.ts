import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { DocStore, RoomSummary, StoredDoc, StoredRoom } from '../core/doc-store';
import { LevelHistory, stampLive } from './level-history';
import {
  decodeMeta,
  encodeMeta,
  historyKey,
  historyRange,
  metaKey,
  parseUpdateKey,
  type RoomMeta,
  roomRange,
  seqBound,
  updateKey,
} from './level-keys';

/**
 * The document store on LevelDB (layout: level-keys.ts). A write is handed to the kernel before its
 * promise resolves, so it survives `kill -9` of the server; `sync: true` (the `fsync` option) also
 * survives power loss, at a large cost in latency.
 *
 * The writes of one room run one at a time, in the order they were issued: each allocates its
 * sequence number from the room's metadata, and two writes reading the same metadata would write
 * the same key (the later one silently replacing the earlier). A replace thereby deletes exactly
 * the entries issued before it, which its state covers, in the same atomic batch that writes it.
 *
 * The history (S13.1) costs an append nothing but the time in its key: a replace moves the entries
 * it covers into the room's history range instead of deleting them, in that same atomic batch, so
 * a crash leaves either the old log or the merged state with the moved entries, never less.
 */
export interface LevelDocStoreOptions {
  /** fsync every write (survives power loss; kill -9 is survived either way). */
  fsync?: boolean;
  /** The clock that stamps writes and history segments (the server's injected clock). */
  now?: () => number;
  /** Keep every stored update in the room's history (S13); default true. */
  history?: boolean;
}

export class LevelDocStore implements DocStore {
  private readonly db: ClassicLevel<string, Uint8Array>;
  private readonly metas = new Map<string, RoomMeta>();
  /** The last write issued per room; the next one starts after it settles. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly sync: boolean;
  private readonly now: () => number;
  readonly history: LevelHistory | undefined;

  private constructor(location: string, options: LevelDocStoreOptions) {
    this.db = new ClassicLevel<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
    this.sync = options.fsync ?? false;
    this.now = options.now ?? Date.now;
    this.history =
      (options.history ?? true)
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
      ...meta,
      seq: meta.seq + 1,
      entries: meta.entries + 1,
      bytes: meta.bytes + update.byteLength,
      updatedAt: now,
    };
    await this.db.batch(
      [
        { type: 'put', key: updateKey(room, next.seq, now), value: update },
        { type: 'put', key: metaKey(room), value: encodeMeta(next) },
      ],
      { sync: this.sync },
    );
    this.metas.set(room, next);
  }

  private async replaceNow(room: string, state: Uint8Array): Promise<void> {
    const meta = await this.meta(room);
    const now = this.now();
    const next: RoomMeta = {
      seq: meta.seq + 1,
      entries: 1,
      bytes: state.byteLength,
      updatedAt: now,
      cs: meta.seq + 1,
      ...(meta.ht !== undefined ? { ht: meta.ht } : {}),
    };
    // Only entries below the new one: everything issued before this replace, nothing after it.
    const old: string[] = [];
    const moves: Array<{ type: 'put'; key: string; value: Uint8Array }> = [];
    if (this.history !== undefined) {
      let last = meta.ht ?? 0;
      for await (const [key, value] of this.db.iterator({ gt: `u!${room}!`, lt: seqBound(room, next.seq) })) {
        old.push(key);
        const { seq, time } = parseUpdateKey(room, key);
        // The previous compaction's state: the history holds what it covers already.
        if (meta.h === 1 && seq <= (meta.cs ?? 0)) continue;
        last = stampLive(time, last);
        moves.push({ type: 'put', key: historyKey(room, last, seq, value.byteLength), value });
      }
      next.ht = last;
      // The new state covers what was stored, all of it in the history now. A state written into an
      // empty room (a restore) brings content the history lacks: the next compaction moves it too.
      if (old.length > 0) next.h = 1;
    } else {
      for await (const key of this.db.keys({ gt: `u!${room}!`, lt: seqBound(room, next.seq) })) old.push(key);
    }
    // One atomic batch: a crash leaves either the old log or the merged state, never neither.
    await this.db.batch(
      [
        ...old.map((key) => ({ type: 'del' as const, key })),
        ...moves,
        { type: 'put' as const, key: updateKey(room, next.seq, now), value: state },
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
