import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The awareness update without the removals of clients `owns` rejects: the same bytes when nothing
 * is dropped, null when nothing is left. Throws on a malformed update, like applyAwarenessUpdate.
 */
export function dropForeignRemovals(
  update: Uint8Array,
  owns: (clientId: number) => boolean,
): Uint8Array | null {
  // First pass on the raw bytes (no string decoding): most updates carry no removal at all.
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const dropped = new Set<number>();
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    decoding.readVarUint(decoder); // clock
    if (isNullState(decoding.readVarUint8Array(decoder)) && !owns(clientId)) dropped.add(i);
  }
  if (dropped.size === 0) return update;
  if (dropped.size === count) return null;
  const again = decoding.createDecoder(update);
  decoding.readVarUint(again);
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, count - dropped.size);
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(again);
    const clock = decoding.readVarUint(again);
    const state = decoding.readVarUint8Array(again);
    if (dropped.has(i)) continue;
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarUint8Array(encoder, state);
  }
  return encoding.toUint8Array(encoder);
}

/** Whether an encoded awareness state (a JSON string's UTF-8 bytes) is `null`: a removal. */
function isNullState(json: Uint8Array): boolean {
  return json.length === 4 && json[0] === 0x6e && json[1] === 0x75 && json[2] === 0x6c && json[3] === 0x6c;
}
