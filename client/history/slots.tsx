import { type ReactNode, useCallback } from 'react';
import type { BoardSnapshot } from '../../shared/board';
import { CardActivity } from './CardActivity';
import { HistoryTools } from './HistoryTools';

/**
 * Adds the board's history to the board view's slots: the card panel shows the card's own activity after
 * what `base` puts there, and the toolbar gets the Activity and Trash buttons. Stable while `base` is.
 */
export function useHistorySlots(base: { renderCardPanel: (cardId: string) => ReactNode }) {
  const baseCardPanel = base.renderCardPanel;
  const renderCardPanel = useCallback(
    (cardId: string) => (
      <>
        {baseCardPanel(cardId)}
        <CardActivity key={`activity-${cardId}`} cardId={cardId} />
      </>
    ),
    [baseCardPanel],
  );
  const toolbarExtras = useCallback((board: BoardSnapshot) => <HistoryTools board={board} />, []);
  return { renderCardPanel, toolbarExtras };
}
