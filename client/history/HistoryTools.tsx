import { useState } from 'react';
import type { BoardSnapshot } from '../../shared/board';
import { useBoardContext } from '../board/context';
import { ActivityPanel } from './ActivityPanel';
import { TrashPanel } from './TrashPanel';
import './history.css';

/**
 * The board toolbar's history buttons: the activity feed and the trash (with how many items it holds),
 * each opening its dialog. Rendered inside the board view (its context carries the undo origin and actor
 * every restore is made with).
 */
export function HistoryTools({ board }: { board: BoardSnapshot }) {
  const { doc, openCard } = useBoardContext();
  const [open, setOpen] = useState<'activity' | 'trash' | null>(null);
  return (
    <>
      <button type="button" aria-haspopup="dialog" onClick={() => setOpen('activity')}>
        Activity
      </button>
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
      {open === 'trash' ? <TrashPanel board={board} onClose={() => setOpen(null)} /> : null}
    </>
  );
}
