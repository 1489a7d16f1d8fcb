import type * as Y from 'yjs';
import { summarizeDescription } from '../../shared/description-preview';
import { writeDescriptionSummary } from '../../shared/description-summary';
import { boardRoom, parseRoom } from '../../shared/room-names';
import type { DocHandle } from '../sync/types';

/**
 * A description closed before the server stored it is synced in the background (client/sync). Once the
 * server has stored every change made here, its copy holds whatever others wrote meanwhile too: this browser
 * (whose own change made the description differ) then stores the card's summary from that converged copy,
 * so a preview written offline does not stay behind what the description says.
 *
 * Pass it to client/sync's `onSavedInBackground`; `open` opens the board's document (the page's shared copy,
 * loaded from IndexedDB if the board is not on screen).
 */
export function previewAfterBackgroundSave(
  open: (room: string) => Pick<DocHandle, 'doc' | 'whenLocalLoaded' | 'getStatus' | 'release'>,
): (room: string, doc: Y.Doc) => void {
  return (room, doc) => {
    const parsed = parseRoom(room);
    if (parsed.kind !== 'description') return;
    // Read now: the description is closed right after this returns.
    const summary = summarizeDescription(doc);
    const board = open(boardRoom(parsed.boardId));
    void board
      .whenLocalLoaded()
      .then(() => {
        // A read-only board's writes would be dropped and stay unsaved.
        if (!board.getStatus().readOnly) writeDescriptionSummary(board.doc, parsed.cardId, summary);
      })
      .finally(() => board.release());
  };
}
