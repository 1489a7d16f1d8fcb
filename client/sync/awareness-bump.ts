import type { Awareness } from 'y-protocols/awareness';

/**
 * When our socket drops, the server broadcasts our removal with clock+1. If we re-announce with
 * the old clock, peers ignore it and we stay invisible until the 15 s renewal (y-websocket #122).
 * Raising our clock by 2 makes the re-announcement newer than the removal.
 */
export function bumpAwarenessClock(awareness: Awareness): void {
  const state = awareness.getLocalState();
  const meta = awareness.meta.get(awareness.clientID);
  if (state === null || meta === undefined) return;
  // setLocalState adds one more: +2 in total.
  meta.clock += 1;
  awareness.setLocalState(state);
}
