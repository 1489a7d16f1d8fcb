/**
 * What each participant publishes in a board document's awareness. Description documents carry
 * Lexical's own cursor fields in their awareness instead (name, color, anchorPos, focusPos…).
 */
export interface Participant {
  /** Stable per browser profile (kept locally), not the Yjs clientID. */
  id: string;
  name: string;
  /** CSS colour, e.g. `#d9480f`. */
  color: string;
}

export interface BoardPresence {
  user: Participant;
  /** The card whose side panel this participant has open, if any. */
  openCardId: string | null;
  /** The card whose description this participant is typing in, if any. */
  editingCardId: string | null;
}

/** Reads a remote awareness state defensively: peers may run other versions. */
export function readBoardPresence(state: unknown): BoardPresence | null {
  if (typeof state !== 'object' || state === null) return null;
  const { user, openCardId, editingCardId } = state as Record<string, unknown>;
  if (typeof user !== 'object' || user === null) return null;
  const { id, name, color } = user as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string' || typeof color !== 'string') return null;
  return {
    user: { id, name, color },
    openCardId: typeof openCardId === 'string' ? openCardId : null,
    editingCardId: typeof editingCardId === 'string' ? editingCardId : null,
  };
}
