/** Members: everyone who opened the board, recorded so they can be assigned to cards. */
import type * as Y from 'yjs';
import { isValidId } from '../../room-names';
import { defaultClock } from '../ids';
import { readMember, type StoredMember } from '../schema';
import { BoardInputError, type MutationOptions, run } from './common';

/** A member's `lastSeen` is rewritten at most this often, so opening a board does not grow its history. */
export const MEMBER_SEEN_RESOLUTION_MS = 60 * 60 * 1000;

export interface MemberInput {
  id: string;
  name: string;
  color: string;
}

/**
 * Records that a participant opened the board (name, colour, last seen), so they can be assigned to cards.
 * Writes only when the name or colour changed or `lastSeen` is older than MEMBER_SEEN_RESOLUTION_MS.
 * Not tracked by the board's undo manager (see createBoardUndoManager).
 */
export function noteMember(doc: Y.Doc, member: MemberInput, opts?: MutationOptions): boolean {
  if (!isValidId(member.id)) throw new BoardInputError(`invalid member id ${JSON.stringify(member.id)}`);
  const clock = opts?.clock ?? defaultClock;
  const now = clock();
  return run(doc, opts, (r) => {
    const existing = readMember(r.members.get(member.id));
    if (
      existing &&
      existing.name === member.name &&
      existing.color === member.color &&
      now - existing.lastSeen < MEMBER_SEEN_RESOLUTION_MS
    ) {
      return false;
    }
    const stored: StoredMember = { id: member.id, name: member.name, color: member.color, lastSeen: now };
    r.members.set(member.id, stored);
    return true;
  });
}
