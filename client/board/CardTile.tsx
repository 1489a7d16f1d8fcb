import type { DraggableAttributes } from '@dnd-kit/core';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { type KeyboardEvent, memo, type ReactNode } from 'react';
import type { CardSnapshot } from '../../shared/board';
import type { Participant } from '../../shared/presence';
import { useBoardContext } from './context';
import { cardDndId, splitListeners } from './dnd';
import { dueState, formatDue, formatDueLong, initials, textOn } from './format';
import { Icon } from './Icon';
import { CardPresence } from './PresenceAvatars';

export interface CardTileProps {
  card: CardSnapshot;
  viewers: readonly Participant[];
  editors: readonly Participant[];
  isOpen: boolean;
  cardExtras?: (card: CardSnapshot) => ReactNode;
}

/**
 * A card in a column. The whole tile can be dragged with a pointer; the grip button is the keyboard handle
 * (Space picks it up, arrows move, Space drops, Escape cancels). Clicking the title opens the card.
 */
export const CardTile = memo(function CardTile({
  card,
  viewers,
  editors,
  isOpen,
  cardExtras,
}: CardTileProps) {
  const { readOnly } = useBoardContext();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({
      id: cardDndId(card.id),
      data: { type: 'card', columnId: card.columnId },
      disabled: readOnly,
    });
  const style = { transform: CSS.Translate.toString(transform), transition };
  const handlers = splitListeners(listeners);
  return (
    <article
      ref={setNodeRef}
      style={style}
      className={`board-card${isDragging ? ' lifted' : ''}${isOpen ? ' open' : ''}`}
      data-testid={`card-${card.id}`}
      data-card-id={card.id}
      aria-label={card.title}
      onPointerDown={handlers.onPointerDown}
      onTouchStart={handlers.onTouchStart}
    >
      <CardContent
        card={card}
        viewers={viewers}
        editors={editors}
        cardExtras={cardExtras}
        handleRef={setActivatorNodeRef}
        handleAttributes={attributes}
        onHandleKeyDown={handlers.onKeyDown}
      />
    </article>
  );
});

interface CardContentProps {
  card: CardSnapshot;
  viewers: readonly Participant[];
  editors: readonly Participant[];
  cardExtras: ((card: CardSnapshot) => ReactNode) | undefined;
  handleRef: (element: HTMLElement | null) => void;
  handleAttributes: DraggableAttributes;
  onHandleKeyDown: ((event: KeyboardEvent<HTMLElement>) => void) | undefined;
}

/**
 * What a card shows. Memoised apart from the sortable shell above: dnd-kit re-renders every sortable of a
 * column when the column's items change (a card moved in or out, elsewhere too), and that must cost a hook
 * call per card, not a card's whole content. Every prop is stable while the card is unchanged.
 */
const CardContent = memo(function CardContent({
  card,
  viewers,
  editors,
  cardExtras,
  handleRef,
  handleAttributes,
  onHandleKeyDown,
}: CardContentProps) {
  const { labelsById, membersById, openCard, readOnly } = useBoardContext();
  const labels = card.labels.flatMap((id) => labelsById.get(id) ?? []);
  const due = card.due ? dueState(card.due) : null;
  return (
    <>
      {labels.length > 0 ? (
        <ul className="card-labels" aria-label="Labels">
          {labels.map((label) => (
            <li
              key={label.id}
              className="card-label"
              style={{ backgroundColor: label.color, color: textOn(label.color) }}
              title={label.name}
            >
              {label.name}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="card-main">
        <button type="button" className="card-open" onClick={() => openCard(card.id)} aria-haspopup="dialog">
          {card.title}
        </button>
        {readOnly ? null : (
          <button
            type="button"
            ref={handleRef}
            className="card-handle"
            {...handleAttributes}
            onKeyDown={onHandleKeyDown}
            aria-label={`Move card: ${card.title}`}
            aria-roledescription="draggable card"
          >
            <Icon name="grip" />
          </button>
        )}
      </div>
      {cardExtras ? <div className="card-extras">{cardExtras(card)}</div> : null}
      {card.due || card.assignees.length > 0 || viewers.length > 0 || editors.length > 0 ? (
        <div className="card-meta">
          {card.due && due ? (
            <span className={`card-due ${due}`} title={`Due ${formatDueLong(card.due)}`}>
              <span className="visually-hidden">Due </span>
              {formatDue(card.due)}
              {due === 'overdue' ? <span className="visually-hidden"> (overdue)</span> : null}
            </span>
          ) : null}
          {card.assignees.length > 0 ? (
            <ul className="card-assignees" aria-label="Assignees">
              {card.assignees.map((id) => {
                const member = membersById.get(id);
                const name = member?.name ?? 'Unknown member';
                return (
                  <li
                    key={id}
                    className="card-assignee"
                    style={{
                      backgroundColor: member?.color ?? '#868e96',
                      color: textOn(member?.color ?? '#868e96'),
                    }}
                    title={name}
                    aria-label={name}
                  >
                    <span aria-hidden="true">{initials(name)}</span>
                  </li>
                );
              })}
            </ul>
          ) : null}
          <CardPresence viewers={viewers} editors={editors} />
        </div>
      ) : null}
    </>
  );
});
