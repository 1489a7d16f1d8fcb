import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { DocStore, RoomSummary, StoredDoc, StoredRoom } from '../core/doc-store';
import { type Logger, systemClock } from '../core/ports';
import { RetryBackoff } from '../core/retry-backoff';
import { AppendJournal, type JournalRecord, type JournalTicket, readJournal } from './append-journal';
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
import { writeInSlices } from './sliced-batch';
import { SpaceReclaimer } from './space-reclaimer';

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
 *
 * Without `fsync`, an append is stored once it is in the append journal (append-journal.ts, S2.3):
 * one `write(2)` on the event loop, the same durability as LevelDB's unsynced write, and LevelDB
 * takes it behind, in the room's order. Each room's metadata keeps the journal sequence number of
 * the last record applied to it (`js`), so opening the store applies exactly the records LevelDB
 * lacks before anything reads it. Reads wait for the room's (or, for a backup, every room's) writes
 * in flight, so they see everything reported stored.
 */
export interface LevelDocStoreOptions {
  /** fsync every write (survives power loss; kill -9 is survived either way). */
  fsync?: boolean;
  /** The clock that stamps writes and history segments (the server's injected clock). */
  now?: () => number;
  /** Keep every stored update in the room's history (S13); default true. */
  history?: boolean;
  /** Where a journal record that did not reach LevelDB yet, or a damaged journal, is reported. */
  logger?: Logger;
  /**
   * A compacted room's freed space is reclaimed once it has gone this long without writes (S3.4);
   * default 5 s.
   */
  reclaimQuietMs?: number;
  /** ... and at the latest this long after its compaction, however busy it stays; default 60 s. */
  reclaimMaxWaitMs?: number;
}

interface JournaledAppend {
  update: Uint8Array;
  time: number;
  /** Its journal record. */
  seq: number;
  settle(): void;
}

type JournaledRecordAppend = Extract<JournalRecord, { kind: 'append' }>;

/** Journal records of one room applied in one LevelDB batch when the store opens. */
const REPLAY_BATCH_RECORDS = 1_000;

const RECLAIM_QUIET_MS = 5_000;
const RECLAIM_MAX_WAIT_MS = 60_000;

export class LevelDocStore implements DocStore {
  private readonly db: ClassicLevel<string, Uint8Array>;
  private readonly metas = new Map<string, RoomMeta>();
  /** The last write issued per room; the next one starts after it settles. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly sync: boolean;
  private readonly now: () => number;
  private readonly logger: Logger | undefined;
  /** Null with `fsync` (a synced LevelDB write is then the durable point) and until opened. */
  private journal: AppendJournal | null = null;
  private closing = false;
  /**
   * Per room, the journaled appends of this turn, not yet queued for LevelDB. They are queued as one
   * batch per room in the next turn (`queueUnfed`), or at once when the room's next write or read is
   * issued, so that one runs after them.
   */
  private readonly unfed = new Map<string, JournaledAppend[]>();
  private feedScheduled = false;
  /** Compacts a room's key range once the room pauses after a compaction (S3.4). */
  private readonly reclaimer: SpaceReclaimer;
  readonly history: LevelHistory | undefined;

  private constructor(
    private readonly location: string,
    options: LevelDocStoreOptions,
  ) {
    this.db = new ClassicLevel<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
    this.sync = options.fsync ?? false;
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.reclaimer = new SpaceReclaimer({
      reclaim: (room) => {
        const { gt, lt } = roomRange(room);
        return this.db.compactRange(gt, lt).catch(() => {});
      },
      // Not the injected `now`: that stamps history, and tests may hold it still.
      clock: systemClock,
      quietMs: options.reclaimQuietMs ?? RECLAIM_QUIET_MS,
      maxWaitMs: options.reclaimMaxWaitMs ?? RECLAIM_MAX_WAIT_MS,
    });
    this.history =
      (options.history ?? true)
        ? new LevelHistory({
            db: this.db,
            sync: this.sync,
            inOrder: (room, write) => this.inOrder(room, write),
            settled: (room) => this.settled(room),
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
    try {
      // After the open: LevelDB's lock keeps a second process away from the journal too.
      await store.replayJournal();
    } catch (error) {
      await store.db.close();
      throw error;
    }
    return store;
  }

  /**
   * Applies the journal records LevelDB lacks, each room's in sequence order, then starts a new journal
   * numbered after them (with `fsync` it is closed at once and holds only its header).
   */
  private async replayJournal(): Promise<void> {
    const dir = join(this.location, 'journal');
    const found = readJournal(dir);
    for (const damage of found.damaged) {
      this.logger?.warn({ journal: dir }, `append journal ends early, later bytes ignored: ${damage}`);
    }
    let applied = 0;
    // Rooms are independent: each room's records in order, consecutive appends in one batch.
    const byRoom = new Map<string, JournalRecord[]>();
    for (const record of found.records) {
      const records = byRoom.get(record.room);
      if (records) records.push(record);
      else byRoom.set(record.room, [record]);
    }
    for (const [room, records] of byRoom) {
      // What LevelDB holds of this room already: its records up to here (a delete among them too).
      const appliedUpTo = (await this.meta(room)).js ?? 0;
      let appends: JournaledRecordAppend[] = [];
      const flush = async () => {
        if (appends.length > 0) await this.appendNow(room, appends);
        appends = [];
      };
      for (const record of records) {
        if (record.seq <= appliedUpTo) continue;
        applied++;
        if (record.kind === 'append') {
          appends.push(record);
          if (appends.length >= REPLAY_BATCH_RECORDS) await flush();
        } else {
          await flush();
          await this.deleteNow(room);
        }
      }
      await flush();
    }
    if (applied > 0) this.logger?.info({ journal: dir, records: applied }, 'append journal replayed');
    const journal = new AppendJournal(dir, found.lastSeq);
    if (this.sync) {
      journal.close();
      return;
    }
    this.journal = journal;
    this.appendSync = (room, update) => this.journaled(journal, room, update);
  }

  async load(room: string): Promise<StoredDoc> {
    await this.settled(room);
    const updates: Uint8Array[] = [];
    for await (const value of this.db.values(roomRange(room))) updates.push(value);
    return { updates };
  }

  append(room: string, update: Uint8Array): Promise<void> {
    const journal = this.journal;
    if (journal === null) {
      const time = this.now();
      return this.inOrder(room, () => this.appendNow(room, [{ update, time }]));
    }
    try {
      this.journaled(journal, room, update);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  /**
   * With the journal (no `fsync`): stored once its record is written, before this returns (S2.3,
   * S2.4). Absent otherwise, and once the store is closing.
   */
  appendSync?: (room: string, update: Uint8Array) => void;

  /**
   * Writes the append's journal record (throws if that fails): that is all an update waits for before
   * it is sent on (S2.4). Queueing it for LevelDB, building its keys, metadata and batch, happens in
   * the next turn, after this one's sends, with the room's other appends of the turn in one batch.
   */
  private journaled(journal: AppendJournal, room: string, update: Uint8Array): void {
    const time = this.now();
    const ticket: JournalTicket = journal.append(room, time, update);
    const entry = { update, time, seq: ticket.seq, settle: ticket.settle };
    const open = this.unfed.get(room);
    if (open !== undefined) open.push(entry);
    else this.unfed.set(room, [entry]);
    if (!this.feedScheduled) {
      this.feedScheduled = true;
      setImmediate(this.feed);
    }
  }

  private readonly feed = (): void => {
    this.feedScheduled = false;
    this.queueAllUnfed();
  };

  private queueAllUnfed(): void {
    for (const room of [...this.unfed.keys()]) this.queueUnfed(room);
  }

  /** Queues `room`'s journaled appends not yet queued, so whatever is issued next runs after them. */
  private queueUnfed(room: string): void {
    const group = this.unfed.get(room);
    if (group === undefined) return;
    this.unfed.delete(room);
    void this.inOrder(room, async () => {
      await this.untilApplied(room, () => this.appendNow(room, group));
      for (const applied of group) applied.settle();
    });
  }

  replace(room: string, state: Uint8Array): Promise<void> {
    // Every journal record of this room issued so far runs before it, so after it LevelDB holds
    // them all: the records up to here are applied once it is written. An append issued after it
    // starts a new group, which runs after it.
    this.queueUnfed(room);
    const js = this.journal?.lastSeq;
    return this.inOrder(room, () => this.replaceNow(room, state, js));
  }

  /**
   * The room's entries, history and metadata go in one atomic batch, after its earlier writes. Its
   * journal record comes first: replayed after the room's earlier records, it removes what they
   * bring back.
   */
  delete(room: string): Promise<void> {
    this.queueUnfed(room);
    const ticket = this.journal?.delete(room, this.now());
    return this.inOrder(room, () => this.deleteNow(room)).then(() => ticket?.settle());
  }

  /**
   * Applies a journaled write, retrying until LevelDB takes it: it is reported stored already, and
   * the room's later writes wait behind it. On close it stays in the journal for the next start.
   */
  private async untilApplied(room: string, write: () => Promise<void>): Promise<void> {
    const backoff = new RetryBackoff();
    for (;;) {
      try {
        return await write();
      } catch (error) {
        if (this.closing) throw error;
        const delay = backoff.next();
        this.logger?.error(
          { room, err: error, retryInMs: delay },
          'LevelDB refused a journaled update; it stays in the append journal and is retried',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async deleteNow(room: string): Promise<void> {
    const keys: string[] = [];
    for await (const key of this.db.keys(roomRange(room))) keys.push(key);
    for await (const key of this.db.keys(historyRange(room))) keys.push(key);
    await this.db.batch(
      [...keys, metaKey(room)].map((key) => ({ type: 'del' as const, key })),
      { sync: this.sync },
    );
    this.metas.delete(room);
    this.reclaimer.reclaimNow(room);
    const history = historyRange(room);
    this.db.compactRange(history.gt, history.lt).catch(() => {});
  }

  /** Appends `entries` as consecutive log entries in one atomic batch (`seq`: their journal records). */
  private async appendNow(
    room: string,
    entries: ReadonlyArray<{ update: Uint8Array; time: number; seq?: number }>,
  ): Promise<void> {
    const meta = await this.meta(room);
    const last = entries.at(-1);
    if (last === undefined) return;
    const puts = entries.map(({ update, time }, i) => ({
      type: 'put' as const,
      key: updateKey(room, meta.seq + 1 + i, time),
      value: update,
    }));
    const next: RoomMeta = {
      ...meta,
      seq: meta.seq + entries.length,
      entries: meta.entries + entries.length,
      bytes: entries.reduce((sum, { update }) => sum + update.byteLength, meta.bytes),
      updatedAt: last.time,
      ...(last.seq !== undefined ? { js: last.seq } : {}),
    };
    await this.db.batch([...puts, { type: 'put', key: metaKey(room), value: encodeMeta(next) }], {
      sync: this.sync,
    });
    this.metas.set(room, next);
    this.reclaimer.wrote(room);
  }

  private async replaceNow(room: string, state: Uint8Array, js: number | undefined): Promise<void> {
    const meta = await this.meta(room);
    const now = this.now();
    const applied = Math.max(js ?? 0, meta.js ?? 0);
    const next: RoomMeta = {
      seq: meta.seq + 1,
      entries: 1,
      bytes: state.byteLength,
      updatedAt: now,
      cs: meta.seq + 1,
      ...(meta.ht !== undefined ? { ht: meta.ht } : {}),
      ...(applied > 0 ? { js: applied } : {}),
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
    await writeInSlices(this.db, this.sync, [
      ...old.map((key) => ({ type: 'del' as const, key })),
      ...moves,
      { type: 'put' as const, key: updateKey(room, next.seq, now), value: state },
      { type: 'put' as const, key: metaKey(room), value: encodeMeta(next) },
    ]);
    this.metas.set(room, next);
    this.reclaimer.compacted(room);
  }

  async list(): Promise<RoomSummary[]> {
    await this.allSettled();
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
    await this.allSettled();
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
    this.closing = true;
    this.appendSync = undefined;
    await this.allSettled();
    await this.reclaimer.flush();
    this.journal?.close();
    this.journal = null;
    await this.db.close();
  }

  /** Resolves once every write of `room` issued so far has settled (applied, or given up on close). */
  private async settled(room: string): Promise<void> {
    this.queueUnfed(room);
    await this.tails.get(room);
  }

  private async allSettled(): Promise<void> {
    this.queueAllUnfed();
    await Promise.all(this.tails.values());
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
