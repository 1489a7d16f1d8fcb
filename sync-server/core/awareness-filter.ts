/**
 * Reading and filtering y-protocols awareness updates without decoding their JSON states: an update
 * is a count, then per client its id, clock and state (JSON text, `null` for a removal).
 * https://github.com/yjs/y-protocols/blob/master/PROTOCOL.md
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One client's entry in an awareness update, with its state still encoded. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The UTF-8 JSON of the state; `null` (4 bytes) for a removal. */
  state: Uint8Array;
}

/** The entries of an awareness update; throws on a malformed one, like applyAwarenessUpdate. */
export function readAwarenessEntries(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    entries.push({ clientId, clock, state: decoding.readVarUint8Array(decoder) });
  }
  return entries;
}

export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarUint8Array(encoder, entry.state);
  }
  return encoding.toUint8Array(encoder);
}

/** Whether an encoded state is `null`: a removal. */
export function isRemoval(entry: AwarenessEntry): boolean {
  const json = entry.state;
  return json.length === 4 && json[0] === 0x6e && json[1] === 0x75 && json[2] === 0x6c && json[3] === 0x6c;
}
