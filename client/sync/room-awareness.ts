/**
 * The presence steps both providers on the shared socket take (mux-provider.ts,
 * shared-socket-provider.ts), as y-websocket's WebsocketProvider takes them on a per-room socket.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import { encodeAwarenessFrame } from '../../shared/wire';

/** An awareness frame carrying the states of `ids`. */
export function presenceFrame(awareness: awarenessProtocol.Awareness, ids: number[]): Uint8Array {
  return encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, ids));
}

/** Every client an awareness change touched: the ones whose state goes to the server. */
export function changedIds(changes: { added: number[]; updated: number[]; removed: number[] }): number[] {
  return [...changes.added, ...changes.updated, ...changes.removed];
}

/** Forgets every state but `ownId`'s: the others' presence is unknown until the room is joined again. */
export function forgetOthers(awareness: awarenessProtocol.Awareness, ownId: number, origin: unknown): void {
  const others = [...awareness.getStates().keys()].filter((id) => id !== ownId);
  awarenessProtocol.removeAwarenessStates(awareness, others, origin);
}
