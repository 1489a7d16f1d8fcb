import { useCallback, useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type { BoardSnapshot, CardSnapshot } from '../../shared/board';
import type { BoardPresence, Participant } from '../../shared/presence';

export interface OpenCard {
  /** The open card, if it still exists: a card deleted (here or by someone else) closes its panel. */
  card: CardSnapshot | undefined;
  cardId: string | null;
  /** Opens a card (or closes the panel with null), reporting it to `onOpenCard`. */
  setOpenCard: (cardId: string | null) => void;
}

/**
 * Which card's panel is open: controlled by `controlledId` when it is not undefined (e.g. from the URL),
 * otherwise kept here; either way `onOpenCard` hears every change.
 */
export function useOpenCard(
  board: BoardSnapshot,
  controlledId: string | null | undefined,
  onOpenCard: ((cardId: string | null) => void) | undefined,
): OpenCard {
  const [ownId, setOwnId] = useState<string | null>(null);
  const requested = controlledId === undefined ? ownId : controlledId;
  const card = requested !== null ? board.cards.get(requested) : undefined;
  const setOpenCard = useCallback(
    (cardId: string | null) => {
      setOwnId(cardId);
      onOpenCard?.(cardId);
    },
    [onOpenCard],
  );
  return { card, cardId: card ? card.id : null, setOpenCard };
}

/** Publishes which card we have open in the board's awareness (`openCardId`), and clears it on unmount. */
export function usePublishOpenCard(awareness: Awareness, me: Participant, openCardId: string | null): void {
  useEffect(() => {
    const state = awareness.getLocalState() as Partial<BoardPresence> | null;
    if (state === null || typeof state.user !== 'object') {
      awareness.setLocalState({ user: me, openCardId, editingCardId: null } satisfies BoardPresence);
    } else if (state.openCardId !== openCardId) {
      awareness.setLocalStateField('openCardId', openCardId);
    }
  }, [awareness, me, openCardId]);
  useEffect(
    () => () => {
      if (awareness.getLocalState() !== null) awareness.setLocalStateField('openCardId', null);
    },
    [awareness],
  );
}
