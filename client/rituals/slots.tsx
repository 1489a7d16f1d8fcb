import { type ReactNode, useCallback } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { CardSnapshot, ColumnSnapshot } from '../../shared/board';
import type { Participant } from '../../shared/presence';
import { CardCommentCount } from './CardCommentCount';
import { CardEstimate } from './CardEstimate';
import { CardVotes } from './CardVotes';
import { ColumnEstimate } from './ColumnEstimate';
import { CommentThread } from './CommentThread';
import { PokerPanel } from './PokerPanel';
import { usePokerPublisher } from './poker-state';

/**
 * Adds the rituals to the board view's slots: the tile shows the card's estimate and votes after the
 * description's extras; the card panel shows the comment thread and planning poker below the description. Stable while `base` is:
 * each ritual component subscribes to what it shows itself. Also publishes my poker values at each reveal.
 */
export function useRitualSlots(
  base: { cardExtras: (card: CardSnapshot) => ReactNode; renderCardPanel: (cardId: string) => ReactNode },
  {
    boardId,
    doc,
    awareness,
    me,
    readOnly,
  }: { boardId: string; doc: Y.Doc; awareness: Awareness; me: Participant; readOnly: boolean },
) {
  usePokerPublisher(doc, me.id, readOnly);
  const baseExtras = base.cardExtras;
  const baseCardPanel = base.renderCardPanel;
  const cardExtras = useCallback(
    (card: CardSnapshot) => (
      <>
        {baseExtras(card)}
        <span className="card-rituals">
          <CardEstimate card={card} />
          <CardVotes card={card} />
          <CardCommentCount card={card} boardId={boardId} />
        </span>
      </>
    ),
    [baseExtras, boardId],
  );
  const renderCardPanel = useCallback(
    (cardId: string) => (
      <>
        {baseCardPanel(cardId)}
        <CommentThread key={`comments-${cardId}`} boardId={boardId} cardId={cardId} />
        <PokerPanel key={`poker-${cardId}`} cardId={cardId} awareness={awareness} />
      </>
    ),
    [baseCardPanel, awareness, boardId],
  );
  return { cardExtras, renderCardPanel, columnExtras };
}

const columnExtras = (column: ColumnSnapshot) => <ColumnEstimate column={column} />;
