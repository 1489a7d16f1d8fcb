/**
 * Pieces the seeded core simulations share: letting promise continuations run, moving a FakeClock
 * one due timer at a time, writing and answering y-websocket sync frames.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { MessageType } from '../../shared/protocol';
import type { FakeClock } from './fake-clock';

/** Lets every pending promise continuation (and I/O callback) run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Moves `clock` forward by `ms`, running due timers one at a time and settling after each, so a
 * continuation a timer starts runs before the next timer (as it would on a real event loop).
 */
export async function passTime(clock: FakeClock, ms: number): Promise<void> {
  const until = clock.now() + ms;
  for (let next = clock.nextDueAt(); next !== null && next <= until; next = clock.nextDueAt()) {
    clock.runNext();
    await settle();
  }
  clock.advance(Math.max(0, until - clock.now()));
  await settle();
}

/** A y-websocket sync message whose body `write` encodes. */
export function syncFrame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  write(e);
  return encoding.toUint8Array(e);
}

/**
 * Applies a y-websocket frame from the server to `doc` (as `origin`) and returns the sync reply to
 * send back, or null when the frame is not a sync message or needs no reply.
 */
export function answerSync(frame: Uint8Array, doc: Y.Doc, origin: unknown): Uint8Array | null {
  const decoder = decoding.createDecoder(frame);
  if (decoding.readVarUint(decoder) !== MessageType.sync) return null;
  const reply = encoding.createEncoder();
  encoding.writeVarUint(reply, MessageType.sync);
  syncProtocol.readSyncMessage(decoder, reply, doc, origin);
  return encoding.length(reply) > 1 ? encoding.toUint8Array(reply) : null;
}
