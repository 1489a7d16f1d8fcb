/**
 * Operator actions on a store, shared by the running server (through its admin HTTP endpoints) and
 * the CLI when no server runs (on a core of its own over the opened data directory). Writes go
 * through the rooms, never around them: a room loaded at the same time would otherwise overwrite
 * them with its next compaction.
 */
import * as Y from 'yjs';
import type { DocStore, RoomSummary, StoredRoom } from '../core/doc-store';
import type { Room } from '../core/room';
import { RoomState } from '../core/room';
import type { SyncCore } from '../core/sync-core';
import { CheckError, checkFileRooms, checkStored, type FileRoom, problemsOf, type RoomCheck } from './check';

/** One room's whole stored state as a single Yjs update. */
export interface RoomDump extends RoomSummary {
  state: Uint8Array;
}

export interface RoomListing extends RoomSummary {
  loaded: boolean;
  connections: number;
}

/** Origin of updates applied by an operator (import). */
export const ADMIN_ORIGIN = Symbol('admin');

export class AdminOps {
  constructor(
    private readonly core: SyncCore,
    private readonly store: DocStore,
    /** A dump fails rather than wait forever on a room whose writes keep failing. */
    private readonly storeTimeoutMs = 60_000,
  ) {}

  async list(): Promise<RoomListing[]> {
    const rooms = await this.store.list();
    return rooms
      .map((summary) => {
        const room = this.core.rooms.get(summary.room);
        return { ...summary, loaded: room !== undefined, connections: room?.connections.size ?? 0 };
      })
      .sort((a, b) => a.room.localeCompare(b.room));
  }

  /**
   * The stored state of every room `include` accepts (S10). Everything any loaded room received
   * before this call is stored first; then every room is read from one snapshot of the store (one
   * point in time for all of them), or, on a store without whole-store snapshots, room by room (each
   * consistent on its own: a log is only appended to or atomically replaced). A room whose stored
   * log cannot be merged stops the dump with a DamagedRoomError rather than leave it out silently.
   */
  async *dump(include: (room: string) => boolean): AsyncGenerator<RoomDump> {
    await this.storeLoadedRooms(include);
    for await (const { updates, ...summary } of this.stored(include)) {
      if (updates.length === 0) continue;
      let state: Uint8Array;
      try {
        state = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
      } catch (error) {
        throw new DamagedRoomError(summary.room, error);
      }
      yield { ...summary, state };
    }
  }

  /**
   * Decodes every stored room (as `dump` reads them) and reports per room. Each room is built as a
   * document, so on a running server the event loop is yielded between rooms.
   */
  async verify(): Promise<RoomCheck[]> {
    const checks: RoomCheck[] = [];
    for await (const { room, updates } of this.stored(() => true)) {
      checks.push(checkStored(room, updates));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return checks;
  }

  /**
   * Merges the rooms of a board's export into the store, all or nothing (S10): every room is checked
   * (name, board, checksum, a full decode with nothing pending) and opened before the first one
   * changes; a refusal throws CheckError and writes nothing.
   */
  async importRooms(board: string, rooms: readonly FileRoom[]): Promise<string[]> {
    const problems = problemsOf(checkFileRooms(rooms, board));
    if (problems.length > 0) throw new CheckError(problems, 'import');
    const opened: Room[] = [];
    try {
      for (const { room } of rooms) opened.push(await this.openReady(room));
      // Built first: a room whose stored document cannot be built refuses before any room changes.
      const docs = opened.map((room) => room.doc);
      for (const [i, doc] of docs.entries()) Y.applyUpdate(doc, rooms[i]!.state, ADMIN_ORIGIN);
      await Promise.all(opened.map((room) => whenStored(room)));
    } finally {
      for (const room of opened) this.core.rooms.released(room);
    }
    return rooms.map(({ room }) => room);
  }

  private async storeLoadedRooms(include: (room: string) => boolean): Promise<void> {
    await Promise.all(
      this.core.rooms
        .all()
        .filter((room) => include(room.name) && room.state === RoomState.ready)
        .map((room) =>
          withTimeout(
            whenStored(room),
            this.storeTimeoutMs,
            `${room.name} has updates storage does not take`,
          ),
        ),
    );
  }

  private async *stored(include: (room: string) => boolean): AsyncGenerator<StoredRoom> {
    if (this.store.loadAll) {
      yield* this.store.loadAll(include);
      return;
    }
    const rooms = (await this.store.list()).filter((summary) => include(summary.room));
    rooms.sort((a, b) => a.room.localeCompare(b.room));
    for (const summary of rooms) yield { ...summary, updates: (await this.store.load(summary.room)).updates };
  }

  /**
   * Merges the update log of `name` (or of every room) into one entry. A named room that is neither
   * stored nor loaded is refused: opening it would report a compaction of nothing (a typo).
   */
  async compact(name?: string): Promise<string[]> {
    if (
      name !== undefined &&
      !this.core.rooms.get(name) &&
      (await this.store.load(name)).updates.length === 0
    ) {
      throw new NoSuchRoomError(name);
    }
    const names = name !== undefined ? [name] : (await this.store.list()).map((summary) => summary.room);
    for (const room of names) {
      await this.withRoom(room, async (loaded) => {
        loaded.writes.requestCompaction();
        await loaded.writes.whenDrained();
      });
    }
    return names;
  }

  /** Opens a room without a connection; it is held (not evicted) until `fn` settles, then released. */
  private async withRoom(name: string, fn: (room: Room) => Promise<void>): Promise<void> {
    const room = await this.openReady(name);
    try {
      await fn(room);
    } finally {
      this.core.rooms.released(room);
    }
  }

  /** A loaded room, held until the caller releases it. */
  private async openReady(name: string): Promise<Room> {
    const room = this.core.rooms.open(name);
    if (room === null) throw new Error(`cannot open ${name}: too many documents loaded`);
    if (await room.whenReady()) return room;
    this.core.rooms.released(room);
    throw new Error(`cannot open ${name}: its stored document failed to load`);
  }
}

/** A room named by the operator that the store does not hold. */
export class NoSuchRoomError extends Error {
  override name = 'NoSuchRoomError';

  constructor(readonly room: string) {
    super(`no room ${room} is stored`);
  }
}

/** A room whose stored update log cannot be decoded; `trellis-server verify` lists every such room. */
export class DamagedRoomError extends Error {
  override name = 'DamagedRoomError';

  constructor(
    readonly room: string,
    cause: unknown,
  ) {
    super(
      `room ${room}: its stored update log cannot be decoded (${cause instanceof Error ? cause.message : String(cause)}); \`trellis-server verify\` lists every damaged room`,
    );
  }
}

/** Resolves once everything the room received so far is stored. */
function whenStored(room: Room): Promise<void> {
  return new Promise((resolve) => room.writes.afterDurable(resolve));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
