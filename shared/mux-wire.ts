/**
 * The multiplexed endpoint's framing (`/_mux`, sync-server/SPEC.md S14): one websocket carries any
 * number of rooms. Every frame is one binary websocket message: a varUint op, then its fields (lib0
 * encoding). A `message` wraps one y-websocket frame of one room, exactly as the per-room endpoint
 * would send or receive it (wire.ts), so both endpoints share the per-room protocol and the core.
 *
 *   join     (client → server) varUint count, then per room: varString room, varUint flags
 *            (bit 0: durable acks), varUint8Array state vector (empty: none). A non-empty vector is
 *            that room's sync step 1, so a reconnecting client resyncs every room with one frame.
 *   leave    (client → server) varString room
 *   message  (both ways)       varString room, varUint8Array y-websocket frame of that room
 *   closed   (server → client) varString room, varUint code, varString reason: the room's
 *            subscription ended (refused at join, or closed by the server with a per-room close
 *            code from protocol.ts' CloseCode). The socket stays open for the other rooms.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** The URL path of the multiplexed endpoint. Not a room: `/_mux` is reserved. */
export const MUX_PATH = '/_mux';

export const MuxOp = {
  join: 0,
  leave: 1,
  message: 2,
  closed: 3,
} as const;

/** Join flags (a bit set). */
export const JoinFlag = {
  durableAck: 1,
} as const;

export interface MuxJoin {
  room: string;
  durableAck: boolean;
  /** The client's state vector for the room (its sync step 1), or null to send none. */
  stateVector: Uint8Array | null;
}

export type MuxFrame =
  | { op: 'join'; rooms: MuxJoin[] }
  | { op: 'leave'; room: string }
  | { op: 'message'; room: string; frame: Uint8Array }
  | { op: 'closed'; room: string; code: number; reason: string };

/** Thrown for bytes that are not one well-formed multiplexed frame: the framing itself is broken. */
export class MalformedMuxFrameError extends Error {
  override name = 'MalformedMuxFrameError';
}

/** Rooms one `join` frame may name (far above a tab's documents, far below a burden). */
export const MAX_JOINS_PER_FRAME = 1_000;

export function writeJoin(rooms: readonly MuxJoin[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MuxOp.join);
  encoding.writeVarUint(e, rooms.length);
  for (const join of rooms) {
    encoding.writeVarString(e, join.room);
    encoding.writeVarUint(e, join.durableAck ? JoinFlag.durableAck : 0);
    encoding.writeVarUint8Array(e, join.stateVector ?? new Uint8Array(0));
  }
  return encoding.toUint8Array(e);
}

export function writeLeave(room: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MuxOp.leave);
  encoding.writeVarString(e, room);
  return encoding.toUint8Array(e);
}

export function writeMessage(room: string, frame: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MuxOp.message);
  encoding.writeVarString(e, room);
  encoding.writeVarUint8Array(e, frame);
  return encoding.toUint8Array(e);
}

export function writeClosed(room: string, code: number, reason: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MuxOp.closed);
  encoding.writeVarString(e, room);
  encoding.writeVarUint(e, code);
  encoding.writeVarString(e, reason);
  return encoding.toUint8Array(e);
}

/** Decodes one frame strictly: a known op, every field whole, nothing left over. */
export function readMuxFrame(bytes: Uint8Array): MuxFrame {
  const d = decoding.createDecoder(bytes);
  let frame: MuxFrame;
  try {
    frame = readOp(d);
  } catch (error) {
    if (error instanceof MalformedMuxFrameError) throw error;
    throw new MalformedMuxFrameError(`truncated or undecodable frame: ${(error as Error).message}`);
  }
  if (decoding.hasContent(d)) {
    throw new MalformedMuxFrameError(`${d.arr.length - d.pos} trailing bytes after a ${frame.op} frame`);
  }
  return frame;
}

function readOp(d: decoding.Decoder): MuxFrame {
  const op = decoding.readVarUint(d);
  switch (op) {
    case MuxOp.join: {
      const count = decoding.readVarUint(d);
      if (count > MAX_JOINS_PER_FRAME) {
        throw new MalformedMuxFrameError(`${count} rooms in one join (at most ${MAX_JOINS_PER_FRAME})`);
      }
      const rooms: MuxJoin[] = [];
      for (let i = 0; i < count; i++) {
        const room = decoding.readVarString(d);
        const flags = decoding.readVarUint(d);
        const vector = decoding.readVarUint8Array(d);
        rooms.push({
          room,
          durableAck: (flags & JoinFlag.durableAck) !== 0,
          stateVector: vector.byteLength > 0 ? vector : null,
        });
      }
      return { op: 'join', rooms };
    }
    case MuxOp.leave:
      return { op: 'leave', room: decoding.readVarString(d) };
    case MuxOp.message:
      return { op: 'message', room: decoding.readVarString(d), frame: decoding.readVarUint8Array(d) };
    case MuxOp.closed:
      return {
        op: 'closed',
        room: decoding.readVarString(d),
        code: decoding.readVarUint(d),
        reason: decoding.readVarString(d),
      };
    default:
      throw new MalformedMuxFrameError(`unknown op ${op}`);
  }
}
