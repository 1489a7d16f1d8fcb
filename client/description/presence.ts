import type { Awareness } from 'y-protocols/awareness';
import type { BoardPresence } from '../../shared/presence';

/**
 * Publishes (or clears) the card this participant is typing in, in the BOARD document's awareness.
 * A helper for the board view's `onEditingChange`; it leaves the rest of the presence state alone.
 */
export function setEditingCard(boardAwareness: Awareness, cardId: string | null): void {
  const current = boardAwareness.getLocalState() as Partial<BoardPresence> | null;
  if (current === null || current.editingCardId === cardId) return;
  boardAwareness.setLocalStateField('editingCardId', cardId);
}
