import { type CardSnapshot, updateCard } from '../../shared/board';
import { useBoardContext } from './context';

/** The list of archived cards: each opens its card, and (unless read-only) can be restored. */
export function ArchivedCards({ cards }: { cards: readonly CardSnapshot[] }) {
  const { doc, mutation, readOnly, openCard } = useBoardContext();
  return (
    <section className="archived-list" aria-label="Archived cards">
      <h3>Archived cards</h3>
      <ul>
        {cards.map((card) => (
          <li key={card.id}>
            <button type="button" className="link-button" onClick={() => openCard(card.id)}>
              {card.title}
            </button>
            {readOnly ? null : (
              <button type="button" onClick={() => updateCard(doc, card.id, { archived: false }, mutation)}>
                Restore<span className="visually-hidden"> {card.title}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
