import { useMemo, useState } from 'react';
import { entryCardId } from '../../shared/board';
import { useBoardContext } from '../board/context';
import { ActivityLine } from './ActivityLine';
import { useActivity } from './use-activity';

const FIRST = 5;

/** The card panel's own history: the feed's entries about this card, newest first. */
export function CardActivity({ cardId }: { cardId: string }) {
  const { doc, membersById } = useBoardContext();
  const entries = useActivity(doc);
  const [all, setAll] = useState(false);
  const own = useMemo(() => entries.filter((entry) => entryCardId(entry) === cardId), [entries, cardId]);
  if (own.length === 0) return null;
  const now = Date.now();
  return (
    <section className="card-activity" aria-label="Card activity" data-testid="card-activity">
      <h3>Activity</h3>
      <ol className="activity-list">
        {(all ? own : own.slice(0, FIRST)).map((entry) => (
          <ActivityLine key={entry.id} entry={entry} members={membersById} now={now} />
        ))}
      </ol>
      {!all && own.length > FIRST ? (
        <button type="button" onClick={() => setAll(true)}>
          Show all {own.length}
        </button>
      ) : null}
    </section>
  );
}
