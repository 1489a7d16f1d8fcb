import type { CardSnapshot } from '../../shared/board';
import { castVote, removeVote, votesLeft } from '../../shared/board/rituals/dot-voting';
import { useBoardContext } from '../board/context';
import { useVotingRound } from './voting-state';

/**
 * A card's votes in the current round: while it is open, my votes on it with one-click (or Enter/Space)
 * buttons to add and take back one, and everyone's count unless counts are hidden; once it ended, the tally.
 */
export function CardVotes({ card }: { card: CardSnapshot }) {
  const { doc, me, readOnly } = useBoardContext();
  const round = useVotingRound(doc);
  if (!round) return null;
  const total = round.tally.get(card.id) ?? 0;
  if (round.ended) {
    return total > 0 ? (
      <span className="card-votes tally" data-testid="card-tally" data-votes={total}>
        {total} {total === 1 ? 'vote' : 'votes'}
      </span>
    ) : null;
  }
  const mine = round.byVoter.get(me.id)?.get(card.id) ?? 0;
  const input = { roundId: round.id, voterId: me.id, cardId: card.id };
  const canAdd = !readOnly && mine < round.perCard && votesLeft(round, me.id) > 0;
  return (
    <span className="card-votes" data-testid="card-votes" data-mine={mine}>
      <span className="vote-dots" aria-hidden="true">
        {'●'.repeat(mine)}
      </span>
      <span className="vote-count">{round.hidden ? `${mine} mine` : `${total} (${mine} mine)`}</span>
      {readOnly ? null : (
        <>
          <button
            type="button"
            className="vote-button"
            disabled={!canAdd}
            aria-label={`Vote for ${card.title}`}
            onClick={() => castVote(doc, input)}
          >
            +
          </button>
          <button
            type="button"
            className="vote-button"
            disabled={mine === 0}
            aria-label={`Take back a vote from ${card.title}`}
            onClick={() => removeVote(doc, input)}
          >
            −
          </button>
        </>
      )}
    </span>
  );
}
