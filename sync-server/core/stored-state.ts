import * as Y from 'yjs';

/**
 * A room's stored updates as one update, with its state vector, checked at load before anything is
 * sent from the stored bytes (S7): a room answers joiners from this binary form without building the
 * document. Throws on anything undecodable.
 *
 * Several entries are merged, which decodes every byte of them. A single entry is read for its state
 * vector only: that reads every struct, and the vector is needed before the first reply anyway (the
 * durable ack Trellis clients ask for, sync step 1), so the check costs them nothing. Its delete set,
 * after the structs, is first read by a diff or a build of the document, and a failure there takes the
 * room out of service then; reading it here too would nearly double a cold load (a 1.2 MB state: ~55
 * against ~30 ms). Until then a joiner with an empty state vector may be sent a damaged delete set (its
 * provider logs the error and keeps its own copy). Bytes that decode but do not integrate (hand-made,
 * or a Yjs bug) also surface when the document is built.
 */
export function readStoredState(updates: readonly Uint8Array[]): {
  state: Uint8Array;
  stateVector: Uint8Array;
} {
  if (updates.length === 0) throw new Error('no stored updates');
  const state = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates as Uint8Array[]);
  return { state, stateVector: Y.encodeStateVectorFromUpdate(state) };
}

/** Thrown where a room's document is needed after the room went out of service (S7). */
export class RoomFailedError extends Error {
  override name = 'RoomFailedError';

  constructor(readonly room: string) {
    super(`room ${room} is out of service: its stored document cannot be decoded`);
  }
}
