/**
 * Operator actions on one board while the server runs (S12), shared by the admin endpoints and the
 * CLI on a stopped data directory (a core of its own): roll the board and its descriptions back to
 * a backup as a new change, delete them, revoke the board's links. Like every operator write, they
 * go through the rooms, never around them.
 */
import * as Y from 'yjs';
import type { Revocations } from '../auth/revocations';
import type { DocStore } from '../core/doc-store';
import type { Room } from '../core/room';
import type { SyncCore } from '../core/sync-core';
import { CheckError, checkFileRooms, type FileRoom, problemsOf, RoomStatus } from './check';
import { boardRooms } from './http';
import type { RoomDump } from './ops';
import { RevertError, revertChange } from './revert';

/** Origin of a rollback's changes: no connection sent them, so every connection receives them. */
export const ROLLBACK_ORIGIN = Symbol('rollback');

export interface RollbackResult {
  /** Every room of the board, and whether the rollback changed it. */
  rooms: Array<{ room: string; changed: boolean }>;
  /** The board's rooms as they were just before (rolling back to these undoes the rollback). */
  before: RoomDump[];
}

/** The board has nothing stored (or the backup holds none of its rooms). */
export class NoSuchBoardError extends Error {
  override name = 'NoSuchBoardError';
}

export class BoardOps {
  constructor(
    private readonly core: SyncCore,
    private readonly store: DocStore,
    /** Null where revocations are not kept (a store injected by tests). */
    private readonly revocations: Revocations | null,
  ) {}

  /**
   * Brings every room of `board` (those in `rooms`, from a backup, and those stored or loaded now)
   * to the backup's content (S12.1). Everything is checked first: the file's rooms (S10.2), then
   * each room's change, computed from the live document and verified to reproduce the backup;
   * between the first computation and the last application nothing else runs, so no edit falls in
   * between. The changes are applied as edits (stored, then broadcast) and this resolves once all
   * are stored.
   */
  async rollback(board: string, rooms: readonly FileRoom[]): Promise<RollbackResult> {
    const problems = problemsOf(checkFileRooms(rooms, board));
    if (problems.length > 0) throw new CheckError(problems, 'rollback');
    if (rooms.length === 0) throw new NoSuchBoardError(`the backup holds no room of board ${board}`);
    const targets = new Map(rooms.map(({ room, state }) => [room, state]));
    const names = [...new Set([...targets.keys(), ...(await this.currentRooms(board))])].sort();
    const opened: Room[] = [];
    try {
      for (const name of names) opened.push(await this.openReady(name));
      const before: RoomDump[] = [];
      const changes = opened.map((room) => {
        const doc = room.doc;
        if (doc.store.clients.size > 0) {
          const state = Y.encodeStateAsUpdate(doc);
          before.push({ room: room.name, state, entries: 0, bytes: state.byteLength, updatedAt: Date.now() });
        }
        try {
          return revertChange(doc, targets.get(room.name) ?? null);
        } catch (error) {
          if (!(error instanceof RevertError)) throw error;
          const detail = error.message;
          throw new CheckError(
            [{ room: room.name, status: RoomStatus.undecodable, bytes: 0, detail }],
            'rollback',
          );
        }
      });
      opened.forEach((room, i) => {
        const change = changes[i];
        if (change) Y.applyUpdate(room.doc, change, ROLLBACK_ORIGIN);
      });
      await Promise.all(
        opened.map((room) => new Promise<void>((resolve) => room.writes.afterDurable(resolve))),
      );
      return { rooms: opened.map((room, i) => ({ room: room.name, changed: changes[i] !== null })), before };
    } finally {
      for (const room of opened) this.core.rooms.released(room);
    }
  }

  /**
   * Deletes every room of `board` (S12.2): the board's own room first, so its clients leave before
   * its descriptions go. Returns the rooms deleted.
   */
  async deleteBoard(board: string): Promise<string[]> {
    const own = `board.${board}`;
    const names = (await this.currentRooms(board)).sort((a, b) =>
      a === own ? -1 : b === own ? 1 : a.localeCompare(b),
    );
    if (names.length === 0) throw new NoSuchBoardError(`the store holds no room of board ${board}`);
    for (const name of names) await this.core.deleteRoom(name);
    return names;
  }

  /** Revokes every link to `board` minted until now (S12.3); its time and the connections closed. */
  async revoke(board: string): Promise<{ revokedAt: number; closed: number }> {
    if (this.revocations === null) throw new Error('this server keeps no revocations');
    return this.revocations.revoke(board);
  }

  /** The board's rooms stored now, and those loaded (one may hold content not stored yet). */
  private async currentRooms(board: string): Promise<string[]> {
    const include = boardRooms(board);
    const stored = (await this.store.list()).map(({ room }) => room).filter(include);
    const loaded = this.core.rooms
      .all()
      .map(({ name }) => name)
      .filter(include);
    return [...new Set([...stored, ...loaded])];
  }

  /** A loaded room, held (not unloaded) until released. */
  private async openReady(name: string): Promise<Room> {
    const room = this.core.rooms.open(name);
    if (room === null) throw new Error(`cannot open ${name}: too many documents loaded`);
    if (await room.whenReady()) return room;
    this.core.rooms.released(room);
    throw new Error(`cannot open ${name}: its stored document failed to load`);
  }
}
