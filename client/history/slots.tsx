import { type ReactNode, useCallback } from 'react';
import type { BoardSnapshot } from '../../shared/board';
import { boardToken } from '../sync';
import { CardActivity } from './CardActivity';
import { HistoryTools } from './HistoryTools';
import { CardVersions } from './versions/CardVersions';
import { browserVersionSource } from './versions/use-versions';
import type { VersionSource } from './versions/version-source';

export interface HistorySlotOptions {
  /** The board whose versions the Versions views list (null: no Versions buttons). */
  boardId: string | null;
  /** Where versions come from (default: the sync server, with the board's token as it is when asked). */
  versionSource?: () => VersionSource;
}

/**
 * Adds the board's history to the board view's slots: the card panel shows the versions of the card's
 * description and the card's own activity after what `base` puts there, and the toolbar gets the Activity,
 * Versions and Trash buttons. Stable while `base` and the options are.
 */
export function useHistorySlots(
  base: { renderCardPanel: (cardId: string) => ReactNode },
  { boardId, versionSource }: HistorySlotOptions = { boardId: null },
) {
  const baseCardPanel = base.renderCardPanel;
  const source = useCallback(
    () =>
      versionSource ? versionSource() : browserVersionSource(boardId === null ? null : boardToken(boardId)),
    [versionSource, boardId],
  );
  const renderCardPanel = useCallback(
    (cardId: string) => (
      <>
        {baseCardPanel(cardId)}
        {boardId === null ? null : (
          <CardVersions key={`versions-${cardId}`} boardId={boardId} cardId={cardId} source={source} />
        )}
        <CardActivity key={`activity-${cardId}`} cardId={cardId} />
      </>
    ),
    [baseCardPanel, boardId, source],
  );
  const toolbarExtras = useCallback(
    (board: BoardSnapshot) => <HistoryTools board={board} boardId={boardId} versionSource={source} />,
    [boardId, source],
  );
  return { renderCardPanel, toolbarExtras };
}
