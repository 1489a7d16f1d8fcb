import { useEffect, useState } from 'react';
import { onBoardChange, readBoard } from '../../shared/board';
import { boardRoom } from '../../shared/room-names';
import { useDocument } from '../sync';
import { loadRecentBoards } from './recent-boards';

/**
 * The name of a board about to be joined from a link: the one this browser last saw, else the board
 * document's own title once its local copy or the server's answer has it (the document opened here stays
 * open for the board page that follows).
 */
export function useJoiningTitle(boardId: string): string | null {
  const known = loadRecentBoards().find((board) => board.id === boardId)?.title || null;
  const handle = useDocument(known === null ? boardRoom(boardId) : null);
  const [title, setTitle] = useState<string | null>(null);
  useEffect(() => {
    if (handle === null) return;
    const doc = handle.doc;
    const read = () => {
      const board = readBoard(doc);
      if (board.initialised) setTitle(board.title || 'Untitled board');
    };
    read();
    return onBoardChange(doc, read);
  }, [handle]);
  return known ?? title;
}
