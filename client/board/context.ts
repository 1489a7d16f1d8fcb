import { createContext, useContext } from 'react';
import type * as Y from 'yjs';
import type { LabelSnapshot, MemberSnapshot, MutationOptions } from '../../shared/board';
import type { Participant } from '../../shared/presence';
import type { ConfirmRequest } from './ConfirmDialog';

/** What every board component needs; provided once by BoardView. */
export interface BoardContextValue {
  doc: Y.Doc;
  me: Participant;
  /** Options for every intent: carries the origin the per-user undo manager tracks. */
  mutation: MutationOptions;
  labelsById: ReadonlyMap<string, LabelSnapshot>;
  membersById: ReadonlyMap<string, MemberSnapshot>;
  /**
   * The board cannot be changed here (a read-only share link: the server drops our writes). Components offer
   * no editing, no drag and drop; opening cards and presence still work.
   */
  readOnly: boolean;
  openCard: (cardId: string) => void;
  confirm: (request: ConfirmRequest) => void;
}

export const BoardContext = createContext<BoardContextValue | null>(null);

export function useBoardContext(): BoardContextValue {
  const value = useContext(BoardContext);
  if (!value) throw new Error('board components must be rendered inside <BoardView>');
  return value;
}
