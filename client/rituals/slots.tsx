import { type ReactNode, useCallback } from 'react';
import type { CardSnapshot } from '../../shared/board';
import { CardVotes } from './CardVotes';

/**
 * Adds the rituals to the board view's slots: the tile shows the card's votes after the description's extras.
 * Stable while `base` is: each ritual component subscribes to what it shows itself.
 */
export function useRitualSlots(base: { cardExtras: (card: CardSnapshot) => ReactNode }) {
  const baseExtras = base.cardExtras;
  const cardExtras = useCallback(
    (card: CardSnapshot) => (
      <>
        {baseExtras(card)}
        <CardVotes card={card} />
      </>
    ),
    [baseExtras],
  );
  return { cardExtras };
}
