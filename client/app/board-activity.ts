import { useEffect } from 'react';
import type * as Y from 'yjs';
import { boardChangeOf } from '../../shared/board-activity';
import { type Participant, readBoardPresence } from '../../shared/presence';
import type { DocHandle } from '../sync';
import { rememberBoard } from './recent-boards';

/** A run of changes by one person is recorded at most this often (typing a title is many transactions). */
const RECORD_INTERVAL_MS = 5_000;

/**
 * Keeps, for the home page, when the board last changed and by whom, as far as this browser can tell: our own
 * changes are ours; a change that arrives is named after the person whose presence carries its author's
 * client id, when they are on the board now (Yjs updates carry no names).
 */
export function useChangeRecord(boardId: string, handle: DocHandle, me: Participant): void {
  useEffect(() => {
    let last = { at: 0, by: '' };
    const onTransaction = (transaction: Y.Transaction) => {
      const change = boardChangeOf(transaction);
      if (change === null) return;
      const local = !handle.isRemoteOrigin(transaction.origin);
      const by = local ? me.name : nameOfAuthor(handle, change.authors);
      const at = Date.now();
      if (by === last.by && at - last.at < RECORD_INTERVAL_MS) return;
      last = { at, by };
      rememberBoard(boardId, { changedAt: at, changedBy: by || null });
    };
    handle.doc.on('afterTransaction', onTransaction);
    return () => handle.doc.off('afterTransaction', onTransaction);
  }, [boardId, handle, me]);
}

function nameOfAuthor(handle: DocHandle, authors: readonly number[]): string {
  const states = handle.awareness.getStates();
  for (const client of authors) {
    const presence = readBoardPresence(states.get(client));
    if (presence) return presence.user.name;
  }
  return '';
}
