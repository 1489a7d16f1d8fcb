/**
 * The LevelDB layout (after y-leveldb's: an update log keyed by a per-room counter):
 *   `u!<room>!<seq: 12 hex>!<time: 12 hex>` → one Yjs update of the live log, stamped with when it
 *                                            was stored (entries written before the stamp existed
 *                                            have no `!<time>`)
 *   `h!<room>!<time: 12 hex>!<seq: 12 hex>!<bytes: hex>` → a segment of the room's history (S13):
 *                                            log entries a compaction moved there, later merged
 *   `m!<room>` → JSON RoomMeta
 *   `c!<key>` → a small record beside the documents (revocations), never part of a room or backup
 * Room names never contain `!`, so a room's keys of each kind form one contiguous range, the live
 * log in sequence order and the history in time order.
 */

export interface RoomMeta {
  seq: number;
  entries: number;
  bytes: number;
  updatedAt: number;
  /** The sequence number of the entry the last compaction wrote (its merged state). */
  cs?: number;
  /**
   * 1 when the history holds everything the entry `cs` covers, so a compaction moves only the
   * entries after it; absent when it does not (stored before the history was kept, while it was
   * off, or a state written into an empty room: a restore), and the next compaction moves it too.
   */
  h?: 1;
  /** The newest time in the history: a segment is never stamped earlier. */
  ht?: number;
  /**
   * The sequence number of the last append-journal record applied to this room (append-journal.ts);
   * a record at or below it is not applied again when the journal is replayed.
   */
  js?: number;
}

const HEX_TIME = 12;
export const MAX_TIME = 16 ** HEX_TIME - 1;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const hexTime = (time: number) => hex(Math.min(Math.max(0, Math.floor(time)), MAX_TIME), HEX_TIME);

/** Every live entry of the room with a sequence number below `seq` sorts before this. */
export const seqBound = (room: string, seq: number) => `u!${room}!${hex(seq, 12)}`;
export const updateKey = (room: string, seq: number, time: number) =>
  `${seqBound(room, seq)}!${hexTime(time)}`;
export const roomRange = (room: string) => ({ gt: `u!${room}!`, lt: `u!${room}!~` });
export const metaKey = (room: string) => `m!${room}`;

/** A live entry's sequence number and stamp (null for entries written before stamps existed). */
export function parseUpdateKey(room: string, key: string): { seq: number; time: number | null } {
  const [seq, time] = key.slice(`u!${room}!`.length).split('!');
  return { seq: Number.parseInt(seq!, 16), time: time === undefined ? null : Number.parseInt(time, 16) };
}

export const historyPrefix = (room: string) => `h!${room}!`;
export const historyRange = (room: string) => ({ gt: historyPrefix(room), lt: `${historyPrefix(room)}~` });

/** A segment's id within its room (the rest of its key). */
export function segmentId(time: number, seq: number, bytes: number): string {
  return `${hexTime(time)}!${hex(seq, 12)}!${bytes.toString(16)}`;
}

export function historyKey(room: string, time: number, seq: number, bytes: number): string {
  return `${historyPrefix(room)}${segmentId(time, seq, bytes)}`;
}

/** The first history key of the room stamped after `time`. */
export function historyKeyAfter(room: string, time: number): string {
  return time >= MAX_TIME ? `${historyPrefix(room)}~` : `${historyPrefix(room)}${hexTime(time + 1)}`;
}

export function parseSegmentId(id: string): { time: number; seq: number; bytes: number } {
  const [time, seq, bytes] = id.split('!');
  return {
    time: Number.parseInt(time!, 16),
    seq: Number.parseInt(seq!, 16),
    bytes: Number.parseInt(bytes!, 16),
  };
}

export function encodeMeta(meta: RoomMeta): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(meta));
}

export function decodeMeta(bytes: Uint8Array): RoomMeta {
  return JSON.parse(new TextDecoder().decode(bytes)) as RoomMeta;
}
