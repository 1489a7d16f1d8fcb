import { useEffect } from 'react';
import type * as Y from 'yjs';
import { onBoardChange } from '../../shared/board';
import {
  type PokerRoundSnapshot,
  pokerCommitmentOf,
  publishPokerVote,
  readCardPokerRound,
  readEstimates,
  roundsAwaitingValue,
} from '../../shared/board/rituals/poker';
import { useDocValue } from './doc-store';
import { forgetPokerSecret, loadPokerSecret } from './poker-secrets';

const roundKey = (round: PokerRoundSnapshot | null) =>
  round ? JSON.stringify([round.id, round.voted, round.revealed, [...round.values], round.accepted]) : '';

// One reader per card id, so stores are shared between components showing the same card.
const readers = new Map<string, (doc: Y.Doc) => PokerRoundSnapshot | null>();
function readerFor(cardId: string) {
  let reader = readers.get(cardId);
  if (!reader) {
    reader = (doc: Y.Doc) => readCardPokerRound(doc, cardId);
    readers.set(cardId, reader);
  }
  return reader;
}

/** The card's current estimation round (B24), or null. */
export function usePokerRound(doc: Y.Doc, cardId: string): PokerRoundSnapshot | null {
  return useDocValue(doc, readerFor(cardId), roundKey);
}

const estimatesKey = (estimates: ReadonlyMap<string, string>) => JSON.stringify([...estimates]);

/** Every card's accepted estimate. */
export function useEstimates(doc: Y.Doc): ReadonlyMap<string, string> {
  return useDocValue(doc, readEstimates, estimatesKey);
}

/**
 * Publishes my value in every round revealed with me present (B26), whatever card is open: the value and
 * salt come from this browser's store, and are forgotten once written.
 */
export function usePokerPublisher(doc: Y.Doc, voterId: string, readOnly: boolean): void {
  useEffect(() => {
    if (readOnly) return;
    const publish = () => {
      for (const roundId of roundsAwaitingValue(doc, voterId)) {
        const secret = loadPokerSecret(roundId, voterId, pokerCommitmentOf(doc, roundId, voterId));
        if (secret && publishPokerVote(doc, { roundId, voterId, ...secret })) {
          forgetPokerSecret(roundId, voterId);
        }
      }
    };
    publish();
    // After the transaction that revealed, not inside its observers.
    return onBoardChange(doc, () => queueMicrotask(publish));
  }, [doc, voterId, readOnly]);
}
