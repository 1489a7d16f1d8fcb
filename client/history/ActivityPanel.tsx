import { useId, useMemo, useState } from 'react';
import type * as Y from 'yjs';
import { type BoardSnapshot, entryCardId } from '../../shared/board';
import { Modal } from '../app/Modal';
import { ActivityLine } from './ActivityLine';
import { useActivity } from './use-activity';

/** Entries shown at first, and added by each "Show older". */
const PAGE = 100;

/**
 * The board's activity feed in a dialog, newest first, filtered by person and by card. Choosing an entry
 * about a card that is on the board closes the dialog and opens the card.
 */
export function ActivityPanel({
  doc,
  board,
  onOpenCard,
  onClose,
}: {
  doc: Y.Doc;
  board: BoardSnapshot;
  onOpenCard: (cardId: string) => void;
  onClose: () => void;
}) {
  const entries = useActivity(doc);
  const [person, setPerson] = useState('');
  const [card, setCard] = useState('');
  const [shown, setShown] = useState(PAGE);
  const personId = useId();
  const cardId = useId();
  const members = useMemo(() => new Map(board.members.map((m) => [m.id, m])), [board.members]);
  // Everyone and every card the feed names, for the filters: the latest title of each card.
  const { people, cards } = useMemo(() => {
    const authors = new Set<string>();
    const titles = new Map<string, string>();
    for (const entry of entries) {
      authors.add(entry.by);
      const id = entryCardId(entry);
      if (id !== null && 'card' in entry && !titles.has(id)) titles.set(id, entry.card.title);
    }
    return {
      people: [...authors]
        .map((id) => ({ id, name: members.get(id)?.name ?? 'Someone' }))
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
      cards: [...titles].map(([id, title]) => ({ id, title })).sort((a, b) => a.title.localeCompare(b.title)),
    };
  }, [entries, members]);
  const filtered = useMemo(
    () =>
      entries.filter(
        (entry) => (person === '' || entry.by === person) && (card === '' || entryCardId(entry) === card),
      ),
    [entries, person, card],
  );
  const now = Date.now();
  return (
    <Modal title="Activity" onClose={onClose} className="history-dialog" testId="activity-panel">
      <div className="history-filters">
        <label htmlFor={personId}>Person</label>
        <select id={personId} value={person} onChange={(event) => setPerson(event.target.value)}>
          <option value="">Everyone</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <label htmlFor={cardId}>Card</label>
        <select id={cardId} value={card} onChange={(event) => setCard(event.target.value)}>
          <option value="">All cards</option>
          {cards.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title || 'untitled'}
            </option>
          ))}
        </select>
      </div>
      {filtered.length === 0 ? (
        <p className="history-empty">
          {entries.length === 0 ? 'Nothing has happened yet.' : 'No activity matches.'}
        </p>
      ) : (
        <ol className="activity-list" aria-label="Activity, newest first">
          {filtered.slice(0, shown).map((entry) => {
            const target = entryCardId(entry);
            const open = target !== null && board.cards.has(target) ? () => onOpenCard(target) : null;
            return <ActivityLine key={entry.id} entry={entry} members={members} now={now} onOpen={open} />;
          })}
        </ol>
      )}
      {filtered.length > shown ? (
        <button type="button" onClick={() => setShown((n) => n + PAGE)}>
          Show older ({filtered.length - shown} more)
        </button>
      ) : null}
    </Modal>
  );
}
