/**
 * Operator actions on a store, shared by the running server (through its admin HTTP endpoints) and
 * the CLI when no server runs (on a core of its own over the opened data directory). Writes go
 * through the rooms, never around them: a room loaded at the same time would otherwise overwrite
 * them with its next compaction.
 */
import * as Y from 'yjs';
import type { DocStore, RoomSummary } from '../core/doc-store';
import type { Room } from '../core/room';
import { RoomState } from '../core/room';
import type { SyncCore } from '../core/sync-core';

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
   * The stored state of every room `include` accepts. Everything any loaded room received before
   * this call is stored first; each room is then read from a storage snapshot (its log is only ever
   * appended to or atomically replaced), so each dump is a consistent state of its room.
   */
  async *dump(include: (room: string) => boolean): AsyncGenerator<RoomDump> {
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
    const rooms = (await this.store.list()).filter((summary) => include(summary.room));
    rooms.sort((a, b) => a.room.localeCompare(b.room));
    for (const summary of rooms) {
      const { updates } = await this.store.load(summary.room);
      if (updates.length === 0) continue;
      const state = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
      yield { ...summary, state };
    }
  }

  /** Merges `update` into `name` as if a client sent it: stored, then broadcast to connected clients. */
  async apply(name: string, update: Uint8Array): Promise<void> {
    Y.decodeUpdate(update); // throws on a malformed update before anything changes
    await this.withRoom(name, async (room) => {
      Y.applyUpdate(room.doc, update, ADMIN_ORIGIN);
      await whenStored(room);
    });
  }

  /** Merges the update log of `name` (or of every room) into one entry. */
  async compact(name?: string): Promise<string[]> {
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
    const room = this.core.rooms.open(name);
    if (room === null) throw new Error(`cannot open ${name}: too many documents loaded`);
    try {
      if (!(await room.whenReady())) throw new Error(`cannot open ${name}: its document failed to load`);
      await fn(room);
    } finally {
      this.core.rooms.released(room);
    }
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
