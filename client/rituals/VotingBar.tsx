import './rituals.css';
import { type FormEvent, useId, useState } from 'react';
import type * as Y from 'yjs';
import type { ColumnSnapshot } from '../../shared/board';
import {
  DEFAULT_VOTE_BUDGET,
  DEFAULT_VOTES_PER_CARD,
  endVotingRound,
  MAX_VOTE_BUDGET,
  sortColumnByVotes,
  startVotingRound,
  votesLeft,
} from '../../shared/board/rituals/dot-voting';
import type { Participant } from '../../shared/presence';
import { useVotingRound } from './voting-state';

/**
 * The board's dot-voting controls: start a round (votes per person, per card, hidden or live counts), the
 * votes I have left, end the round, and once it ended sort a column by the tally.
 */
export function VotingBar({
  doc,
  me,
  readOnly,
  columns,
}: {
  doc: Y.Doc;
  me: Participant;
  readOnly: boolean;
  columns: readonly ColumnSnapshot[];
}) {
  const round = useVotingRound(doc);
  const [starting, setStarting] = useState(false);
  const open = round !== null && round.ended === null;
  return (
    <section className="ritual-bar voting-bar" aria-label="Dot voting" data-testid="voting-bar">
      {open ? (
        <>
          <p className="ritual-status" role="status" data-testid="votes-left">
            Dot voting: {votesLeft(round, me.id)} of {round.budget} votes left
            {round.hidden ? ' · counts shown when voting ends' : ''}
          </p>
          {readOnly ? null : (
            <button type="button" onClick={() => endVotingRound(doc, round.id, me.id)}>
              End voting
            </button>
          )}
        </>
      ) : (
        <>
          {round?.ended ? (
            <div className="voting-results">
              <p className="ritual-status" role="status">
                Voting ended: {sumTally(round.tally)} votes.
              </p>
              {readOnly
                ? null
                : columns
                    .filter((column) => column.cards.some((card) => (round.tally.get(card.id) ?? 0) > 0))
                    .map((column) => (
                      <button
                        key={column.id}
                        type="button"
                        onClick={() =>
                          sortColumnByVotes(
                            doc,
                            column.id,
                            column.cards.map((card) => card.id),
                            round.tally,
                            // The moves' activity entries name who sorted (B14.1).
                            { actor: me.id },
                          )
                        }
                      >
                        Sort {column.title} by votes
                      </button>
                    ))}
            </div>
          ) : null}
          {readOnly ? null : starting ? (
            <StartVotingForm
              onCancel={() => setStarting(false)}
              onStart={(config) => {
                startVotingRound(doc, { ...config, startedBy: me.id });
                setStarting(false);
              }}
            />
          ) : (
            <button type="button" onClick={() => setStarting(true)}>
              Start dot voting
            </button>
          )}
        </>
      )}
    </section>
  );
}

function sumTally(tally: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const n of tally.values()) sum += n;
  return sum;
}

function StartVotingForm({
  onStart,
  onCancel,
}: {
  onStart: (config: { budget: number; perCard: number; hidden: boolean }) => void;
  onCancel: () => void;
}) {
  const [budget, setBudget] = useState(DEFAULT_VOTE_BUDGET);
  const [perCard, setPerCard] = useState(DEFAULT_VOTES_PER_CARD);
  const [hidden, setHidden] = useState(false);
  const budgetId = useId();
  const perCardId = useId();
  const valid =
    Number.isInteger(budget) &&
    budget >= 1 &&
    budget <= MAX_VOTE_BUDGET &&
    Number.isInteger(perCard) &&
    perCard >= 1 &&
    perCard <= budget;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid) onStart({ budget, perCard, hidden });
  };
  return (
    <form className="start-voting" onSubmit={submit}>
      <label htmlFor={budgetId}>Votes per person</label>
      <input
        id={budgetId}
        type="number"
        min={1}
        max={MAX_VOTE_BUDGET}
        value={budget}
        onChange={(event) => setBudget(event.target.valueAsNumber)}
      />
      <label htmlFor={perCardId}>Most on one card</label>
      <input
        id={perCardId}
        type="number"
        min={1}
        max={budget}
        value={perCard}
        onChange={(event) => setPerCard(event.target.valueAsNumber)}
      />
      <label className="inline-check">
        <input type="checkbox" checked={hidden} onChange={(event) => setHidden(event.target.checked)} />
        Hide counts until voting ends
      </label>
      <button type="submit" className="primary" disabled={!valid}>
        Start voting
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
