import { useMemo, useState } from 'react';
import type { BoardSnapshot } from '../../shared/board';
import { useBoardContext } from '../board/context';
import { ActivityPanel } from './ActivityPanel';
import { TrashPanel } from './TrashPanel';
import { BoardVersionsPanel } from './versions/BoardVersionsPanel';
import type { VersionSource } from './versions/version-source';
import './history.css';

/**
 * The board toolbar's history buttons: the activity feed, the board's versions (with a `boardId`) and the
 * trash (with how many items it holds), each opening its dialog. Rendered inside the board view (its context carries the undo origin and actor
 * every restore is made with).
 */
export function HistoryTools({
  board,
  boardId = null,
  versionSource,
}: {
  board: BoardSnapshot;
  boardId?: string | null;
  versionSource?: () => VersionSource;
}) {
  const { doc, openCard } = useBoardContext();
  const [open, setOpen] = useState<'activity' | 'versions' | 'trash' | null>(null);
  // One source per opening of the dialog, with the board's token as it is then.
  const source = useMemo(
    () => (open === 'versions' && versionSource ? versionSource() : null),
    [open, versionSource],
  );
  return (
    <>
      <button type="button" aria-haspopup="dialog" onClick={() => setOpen('activity')}>
        Activity
      </button>
      {boardId !== null && versionSource ? (
        <button type="button" aria-haspopup="dialog" onClick={() => setOpen('versions')}>
          Versions
        </button>
      ) : null}
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => setOpen('trash')}
        data-testid="trash-button"
      >
        Trash{board.trash.length > 0 ? ` (${board.trash.length})` : ''}
      </button>
      {open === 'activity' ? (
        <ActivityPanel
          doc={doc}
          board={board}
          onClose={() => setOpen(null)}
          onOpenCard={(cardId) => {
            setOpen(null);
            openCard(cardId);
          }}
        />
      ) : null}
      {open === 'versions' && boardId !== null && source ? (
        <BoardVersionsPanel boardId={boardId} board={board} source={source} onClose={() => setOpen(null)} />
      ) : null}
      {open === 'trash' ? <TrashPanel board={board} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
