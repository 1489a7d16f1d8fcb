import { type ReactNode, useCallback } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { CardSnapshot } from '../../shared/board';
import type { Participant } from '../../shared/presence';
import { CardDescriptionExtras } from './CardDescriptionExtras';
import { DescriptionEditor } from './DescriptionEditor';
import { setEditingCard } from './presence';

export interface DescriptionSlots {
  /** For BoardView's `renderCardPanel`: the description editor of the open card. */
  renderCardPanel: (cardId: string) => ReactNode;
  /** For BoardView's `cardExtras`: preview line and checklist progress on each card tile. */
  cardExtras: (card: CardSnapshot) => ReactNode;
}

/**
 * Everything the board view needs from descriptions, as stable callbacks:
 * `<BoardView … {...useDescriptionSlots({ boardId, doc, awareness, me })} />`.
 * Focus in a description publishes `editingCardId` in the board's awareness.
 */
export function useDescriptionSlots({
  boardId,
  doc,
  awareness,
  me,
  readOnly = false,
}: {
  boardId: string;
  doc: Y.Doc;
  awareness: Awareness;
  me: Participant;
  /** The board is read-only (its `SyncStatus.readOnly`): the description editor only shows. */
  readOnly?: boolean;
}): DescriptionSlots {
  const renderCardPanel = useCallback(
    (cardId: string) => (
      <DescriptionEditor
        key={cardId}
        boardId={boardId}
        cardId={cardId}
        me={me}
        boardDoc={doc}
        readOnly={readOnly}
        onEditingChange={(editing) => setEditingCard(awareness, editing ? cardId : null)}
      />
    ),
    [boardId, doc, awareness, me, readOnly],
  );
  return { renderCardPanel, cardExtras };
}

// The summary is on the card's snapshot: the tile re-renders when it changes, no per-card subscription.
const cardExtras = (card: CardSnapshot) => <CardDescriptionExtras summary={card.descriptionPreview} />;
