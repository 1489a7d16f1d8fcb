import type * as Y from 'yjs';
import { readCurrentVotingRound, type VotingRoundSnapshot } from '../../shared/board/rituals/dot-voting';
import { useDocValue } from './doc-store';

const read = (doc: Y.Doc) => readCurrentVotingRound(doc);
const key = (round: VotingRoundSnapshot | null) =>
  round
    ? JSON.stringify([round.id, round.ended, [...round.byVoter].map(([voter, cards]) => [voter, [...cards]])])
    : '';

/** The board's current dot-voting round (B20), or null. */
export function useVotingRound(doc: Y.Doc): VotingRoundSnapshot | null {
  return useDocValue(doc, read, key);
}
