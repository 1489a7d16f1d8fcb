/**
 * Where documents are kept. The core only knows this interface: an append-only log of Yjs updates
 * per room that can be replaced by one merged update (compaction). Every method rejects on
 * failure; a store never reports success for a write it did not make.
 */
export interface DocStore {
  /** Every stored update of a room, oldest first (empty for an unknown room). */
  load(room: string): Promise<StoredDoc>;
  /** Appends one update to the room's log; resolves once it is written. */
  append(room: string, update: Uint8Array): Promise<void>;
  /**
   * Appends one update and returns once it is stored, as `append`'s promise would resolve, or throws
   * having stored nothing. Only a store whose durable point is a synchronous write has it (LevelDB
   * with the append journal, S2.3); the core then stores and forwards a client's update within the
   * callback that read it (S2.4). Ordered with the room's other writes as `append` is (S3.2).
   */
  appendSync?(room: string, update: Uint8Array): void;
  /**
   * Atomically replaces the room's whole log by `state`, which must contain everything stored
   * so far (a merged update or `Y.encodeStateAsUpdate` of the loaded document).
   */
  replace(room: string, state: Uint8Array): Promise<void>;
  /**
   * Removes the room and everything stored for it (S12.2), after the room's writes issued before it;
   * a later append starts a new log. Deleting an unknown room does nothing.
   */
  delete(room: string): Promise<void>;
  /** What the store holds, for operators (the admin CLI). */
  list(): Promise<RoomSummary[]>;
  /**
   * Every room `include` accepts with its stored updates, all as of one point in time (a backup of
   * the whole store). Optional: without it, rooms are loaded one by one, each consistent on its own.
   */
  loadAll?(include: (room: string) => boolean): AsyncIterable<StoredRoom>;
  /** The rooms' kept versions (S13); absent when the store keeps no history. */
  readonly history?: HistoryLog;
  close(): Promise<void>;
}

/**
 * A room's history (S13): every update the store took, each stamped with the store clock's time
 * when it was stored, kept as segments that older periods merge. The version at time T is every
 * segment up to T merged; which versions are kept is the history policy's business, not the store's.
 */
export interface HistoryLog {
  /** The room's segments, oldest first, without their content (empty for a room without history). */
  segments(room: string): Promise<HistorySegment[]>;
  /** The room's segments stamped at or before `upTo` (epoch ms), oldest first, with their content. */
  read(room: string, upTo: number): Promise<HistoryEntry[]>;
  /**
   * Replaces each run of consecutive segments `ids` by one segment holding `update` (everything
   * they held), stamped `time`, all in one atomic write. False, with nothing changed, when one of
   * them is no longer there (the room was deleted, or another pass merged it).
   */
  merge(room: string, merges: readonly HistoryMerge[]): Promise<boolean>;
  /** The rooms whose history may need merging, when the store knows them cheaper than `list()`. */
  rooms?(): Promise<string[]>;
}

export interface HistorySegment {
  /** Epoch ms of the last update it holds; never earlier than the segment before it. */
  time: number;
  /** Names the segment within its room (for `merge`). */
  id: string;
  bytes: number;
  /** False while the store cannot merge it yet (scale-out: an entry still in the Redis stream). */
  mergeable: boolean;
}

export interface HistoryEntry extends HistorySegment {
  update: Uint8Array;
}

export interface HistoryMerge {
  ids: readonly string[];
  time: number;
  update: Uint8Array;
}

export interface StoredDoc {
  updates: Uint8Array[];
  /**
   * Where in a shared update log these updates end (scale-out: a Redis stream entry id); a room's
   * `DocFeed` delivers what other instances append after it. Absent for single-node stores.
   */
  cursor?: string;
}

/** A room's stored updates with its summary. */
export interface StoredRoom extends RoomSummary {
  updates: Uint8Array[];
}

export interface RoomSummary {
  room: string;
  /** Entries in the update log (1 after compaction). */
  entries: number;
  /** Bytes of stored updates. */
  bytes: number;
  /** Epoch milliseconds of the last write. */
  updatedAt: number;
}
