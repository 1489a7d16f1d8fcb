import { type FormEvent, useState } from 'react';
import type * as Y from 'yjs';
import { addCard } from '../../shared/board';
import type { Participant } from '../../shared/presence';
import { useBoardSnapshot } from './use-board';

/** A bare list of the board's cards, used until the board engineer's BoardView is mounted. */
export function BoardPlaceholder({ doc, me }: { doc: Y.Doc; me: Participant }) {
  const board = useBoardSnapshot(doc);
  const [title, setTitle] = useState('');
  const firstColumn = board.columns[0];
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!firstColumn || title.trim() === '') return;
    addCard(doc, { columnId: firstColumn.id, title, createdBy: me.id });
    setTitle('');
  };
  return (
    <div className="board-placeholder">
      {board.columns.map((column) => (
        <section key={column.id} className="column" aria-label={column.title}>
          <h3>{column.title}</h3>
          <ul>
            {column.cards.map((card) => (
              <li key={card.id} className="card" data-testid="card">
                {card.title}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {firstColumn ? (
        <form onSubmit={add}>
          <input
            aria-label="New card title"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
          />
          <button type="submit">Add card</button>
        </form>
      ) : null}
    </div>
  );
}
