import { useId, useMemo, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import {
  acceptPokerEstimate,
  cleanDeck,
  commitPokerVote,
  FIBONACCI_DECK,
  newPokerSalt,
  type PokerRoundSnapshot,
  pokerCommitment,
  pokerCommitmentOf,
  pokerResult,
  revealPokerRound,
  startPokerRound,
  TSHIRT_DECK,
} from '../../shared/board/rituals/poker';
import { useBoardContext } from '../board/context';
import { usePresence } from '../board/hooks';
import { loadPokerSecret, savePokerSecret } from './poker-secrets';
import { useEstimates, usePokerRound } from './poker-state';

const DECKS = [
  { id: 'fibonacci', name: 'Fibonacci', values: FIBONACCI_DECK },
  { id: 'tshirt', name: 'T-shirt sizes', values: TSHIRT_DECK },
  { id: 'custom', name: 'Custom', values: [] as readonly string[] },
] as const;

/**
 * Planning poker on the open card (shared/board SPEC B24–B26): start a round with a deck, pick a card (kept in
 * this browser; the board gets only a salted commitment), see who has voted, reveal, the result, vote again,
 * accept an estimate.
 */
export function PokerPanel({ cardId, awareness }: { cardId: string; awareness: Awareness }) {
  const { doc, me, readOnly } = useBoardContext();
  const round = usePokerRound(doc, cardId);
  const estimate = useEstimates(doc).get(cardId) ?? null;
  return (
    <section className="poker" aria-label="Planning poker" data-testid="poker">
      <h3>Estimate{estimate !== null ? `: ${estimate}` : ''}</h3>
      {round === null ? (
        readOnly ? (
          <p className="empty">No estimation round yet.</p>
        ) : (
          <StartPoker onStart={(deck) => startPokerRound(doc, { cardId, deck, startedBy: me.id })} />
        )
      ) : round.revealed ? (
        <PokerResultView round={round} cardId={cardId} />
      ) : (
        <PokerVoting round={round} awareness={awareness} />
      )}
    </section>
  );
}

function StartPoker({ onStart }: { onStart: (deck: readonly string[]) => void }) {
  const [deckId, setDeckId] = useState<string>('fibonacci');
  const [custom, setCustom] = useState('');
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();
  const customId = useId();
  const start = () => {
    const chosen = DECKS.find((d) => d.id === deckId) ?? DECKS[0];
    try {
      onStart(chosen.id === 'custom' ? cleanDeck(custom.split(',')) : chosen.values);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };
  return (
    <div className="poker-start">
      <label htmlFor={selectId}>Deck</label>
      <select id={selectId} value={deckId} onChange={(event) => setDeckId(event.target.value)}>
        {DECKS.map((deck) => (
          <option key={deck.id} value={deck.id}>
            {deck.name}
            {deck.values.length > 0 ? ` (${deck.values.join(' ')})` : ''}
          </option>
        ))}
      </select>
      {deckId === 'custom' ? (
        <>
          <label htmlFor={customId}>Cards, separated by commas</label>
          <input
            id={customId}
            value={custom}
            onChange={(event) => {
              setCustom(event.target.value);
              setError(null);
            }}
          />
        </>
      ) : null}
      <button type="button" onClick={start}>
        Start estimating
      </button>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function PokerVoting({ round, awareness }: { round: PokerRoundSnapshot; awareness: Awareness }) {
  const { doc, me, readOnly, membersById } = useBoardContext();
  const presence = usePresence(awareness);
  // Re-read from this browser's store after each vote (it is not in the document).
  const [, setVersion] = useState(0);
  // The pick the document holds for me (another tab of mine may have picked since), else my latest.
  const mine =
    (
      loadPokerSecret(round.id, me.id, pokerCommitmentOf(doc, round.id, me.id)) ??
      loadPokerSecret(round.id, me.id)
    )?.value ?? null;
  const present = useMemo(() => [...new Set(presence.map((p) => p.presence.user.id))], [presence]);
  const people = useMemo(() => {
    const names = new Map<string, string>();
    for (const entry of presence) names.set(entry.presence.user.id, entry.presence.user.name);
    for (const id of round.voted) if (!names.has(id)) names.set(id, membersById.get(id)?.name ?? 'Someone');
    return [...names].sort((a, b) => a[1].localeCompare(b[1]));
  }, [presence, round.voted, membersById]);
  const choose = (value: string) => {
    const salt = newPokerSalt();
    savePokerSecret(round.id, me.id, { value, salt });
    commitPokerVote(doc, { roundId: round.id, voterId: me.id, commitment: pokerCommitment(value, salt) });
    setVersion((v) => v + 1);
  };
  return (
    <>
      {readOnly ? null : (
        <fieldset className="poker-deck">
          <legend className="visually-hidden">Your estimate</legend>
          {round.deck.map((value) => (
            <button
              key={value}
              type="button"
              className="poker-card"
              aria-pressed={mine === value}
              onClick={() => choose(value)}
            >
              {value}
            </button>
          ))}
        </fieldset>
      )}
      <ul className="poker-voters" aria-label="Who has voted" data-testid="poker-voters">
        {people.map(([id, name]) => {
          const voted = round.voted.includes(id);
          return (
            <li key={id} data-voter={id} data-voted={voted}>
              {name}: {voted ? 'voted' : 'not voted yet'}
            </li>
          );
        })}
      </ul>
      {readOnly ? null : (
        <button
          type="button"
          disabled={round.voted.length === 0}
          onClick={() => revealPokerRound(doc, round.id, me.id, present)}
        >
          Reveal
        </button>
      )}
    </>
  );
}

function PokerResultView({ round, cardId }: { round: PokerRoundSnapshot; cardId: string }) {
  const { doc, me, readOnly, membersById } = useBoardContext();
  const result = pokerResult(round);
  const [choice, setChoice] = useState<string | null>(null);
  const accepted = choice ?? round.accepted?.value ?? result.median ?? round.deck[0] ?? '';
  const selectId = useId();
  const waiting = [...round.values].filter(
    ([voter, value]) => value === null && round.revealed?.present.includes(voter),
  ).length;
  return (
    <div className={`poker-result${result.consensus ? ' consensus' : ''}`} data-testid="poker-result">
      <ul className="poker-values" aria-label="Votes">
        {[...round.values].map(([voter, value]) => (
          <li key={voter} data-voter={voter}>
            {membersById.get(voter)?.name ?? 'Someone'}: <strong>{value ?? 'no vote'}</strong>
          </li>
        ))}
      </ul>
      {waiting > 0 ? <p className="status-line">Waiting for {waiting} to show their card…</p> : null}
      <ul className="poker-distribution" aria-label="Distribution">
        {result.distribution.map(({ value, count }) => (
          <li key={value}>
            {value} × {count}
          </li>
        ))}
      </ul>
      <p data-testid="poker-summary">
        Median {result.median ?? '–'} · agreement {Math.round(result.agreement * 100)}%
        {result.consensus ? ' · consensus' : ''}
      </p>
      {round.accepted ? <p>Accepted: {round.accepted.value}</p> : null}
      {readOnly ? null : (
        <div className="poker-actions">
          <label htmlFor={selectId}>Estimate</label>
          <select id={selectId} value={accepted} onChange={(event) => setChoice(event.target.value)}>
            {round.deck.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="primary"
            onClick={() => acceptPokerEstimate(doc, { roundId: round.id, value: accepted, by: me.id })}
          >
            Accept
          </button>
          <button
            type="button"
            onClick={() => startPokerRound(doc, { cardId, deck: round.deck, startedBy: me.id })}
          >
            Vote again
          </button>
        </div>
      )}
    </div>
  );
}
