/**
 * Checks of stored and backed-up room states (S10), shared by `verify`, `restore`, `import` and the
 * admin endpoints: a state passes only if Yjs builds a document from it with nothing left waiting,
 * its room name is one the server accepts, and (in a backup) its checksum matches.
 */
import * as Y from 'yjs';
import { boardOfRoom, isValidRoomName } from '../../shared/room-names';

export const RoomStatus = {
  ok: 'ok',
  /** Structs or deletions that wait for content the state does not hold (missing dependencies). */
  pendingStructs: 'pending structs',
  undecodable: 'undecodable',
  checksumMismatch: 'checksum mismatch',
  invalidName: 'invalid room name',
  otherBoard: 'room of another board',
} as const;
export type RoomStatus = (typeof RoomStatus)[keyof typeof RoomStatus];

export interface RoomCheck {
  room: string;
  status: RoomStatus;
  /** Bytes of the room's state (or, in a data directory, of its stored update log). */
  bytes: number;
  /** Entries in the stored update log (data directories only). */
  entries?: number;
  detail?: string;
}

/**
 * Builds a document from `state` (a whole room as one update) to see whether it decodes and is
 * complete. As slow as a cold load's build: for operator commands, not for the serving path.
 */
export function checkState(state: Uint8Array): { status: RoomStatus; detail?: string } {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const { pendingStructs, pendingDs } = doc.store;
    if (pendingStructs !== null) {
      const missing = [...pendingStructs.missing].map(
        ([client, clock]) => `client ${client} from clock ${clock}`,
      );
      return { status: RoomStatus.pendingStructs, detail: `needs ${missing.join(', ')}` };
    }
    if (pendingDs !== null) {
      return { status: RoomStatus.pendingStructs, detail: 'deletes content the state does not hold' };
    }
    return { status: RoomStatus.ok };
  } catch (error) {
    return { status: RoomStatus.undecodable, detail: messageOf(error) };
  } finally {
    doc.destroy();
  }
}

/** Checks a room's stored update log (every entry, merged as a load merges them). */
export function checkStored(room: string, updates: readonly Uint8Array[]): RoomCheck {
  const bytes = updates.reduce((sum, update) => sum + update.byteLength, 0);
  const base = { room, bytes, entries: updates.length };
  let state: Uint8Array;
  try {
    state = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates as Uint8Array[]);
  } catch (error) {
    return { ...base, status: RoomStatus.undecodable, detail: messageOf(error) };
  }
  return { ...base, ...checkState(state) };
}

/** A room of a backup or export file, with what its checksum showed. */
export interface FileRoom {
  room: string;
  state: Uint8Array;
  /** `absent` in files written before backups carried checksums. */
  checksum: 'verified' | 'mismatch' | 'absent';
}

/**
 * Checks every room of a file before anything is written: its name (and, for an import, that it
 * belongs to `board`), its checksum, then its state. A name that occurs twice is refused too: which
 * copy would win is not obvious.
 */
export function checkFileRooms(rooms: readonly FileRoom[], board?: string): RoomCheck[] {
  const seen = new Set<string>();
  return rooms.map(({ room, state, checksum }) => {
    const base = { room, bytes: state.byteLength };
    if (!isValidRoomName(room) || seen.has(room)) {
      const detail = seen.has(room) ? 'named twice' : 'letters, digits, _ - and single dots only';
      return { ...base, status: RoomStatus.invalidName, detail };
    }
    seen.add(room);
    if (board !== undefined && boardOfRoom(room) !== board) {
      return { ...base, status: RoomStatus.otherBoard, detail: `not a room of board ${board}` };
    }
    if (checksum === 'mismatch') {
      return { ...base, status: RoomStatus.checksumMismatch, detail: 'the file was altered or damaged' };
    }
    return { ...base, ...checkState(state) };
  });
}

export function problemsOf(checks: readonly RoomCheck[]): RoomCheck[] {
  return checks.filter((check) => check.status !== RoomStatus.ok);
}

/** One line naming every problem, e.g. `board.a (undecodable: …), x!y (invalid room name)`. */
export function describeProblems(problems: readonly RoomCheck[]): string {
  return problems
    .map(({ room, status, detail }) => `${JSON.stringify(room)} (${status}${detail ? `: ${detail}` : ''})`)
    .join(', ');
}

/** Rooms refused by a check; the message is one line. Nothing was written. */
export class CheckError extends Error {
  override name = 'CheckError';

  constructor(
    readonly problems: readonly RoomCheck[],
    what: string,
  ) {
    super(
      `${what} refused, nothing written: ${problems.length} room${problems.length === 1 ? '' : 's'} failed the check: ${describeProblems(problems)}`,
    );
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
}
