import { SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { type FormEvent, memo, type ReactNode, useRef, useState } from 'react';
import {
  addCard,
  type CardSnapshot,
  type ColumnSnapshot,
  deleteColumn,
  MAX_CARD_TITLE_LENGTH,
  MAX_COLUMN_TITLE_LENGTH,
  renameColumn,
  restoreColumn,
} from '../../shared/board';
import type { Participant } from '../../shared/presence';
import { CardTile } from './CardTile';
import { useCardWindow } from './card-window';
import { useBoardContext } from './context';
import { cardDndId, columnDndId, splitListeners } from './dnd';
import { Icon } from './Icon';
import { InlineEdit } from './InlineEdit';
import type { CardPresenceIndex } from './presence-index';
import { useStableIds } from './stable-ids';

export interface ColumnViewProps {
  column: ColumnSnapshot;
  /** The cards to show: the column's own, or the drag preview's while a card is dragged. */
  cards: readonly CardSnapshot[];
  presence: CardPresenceIndex;
  openCardId: string | null;
  cardExtras?: (card: CardSnapshot) => ReactNode;
  /** Extra content in the header, after the card count (the column's estimate total). */
  columnExtras?: (column: ColumnSnapshot) => ReactNode;
  /**
   * The column's accessible name: its title, with its position when another column has the same title
   * ("To do (column 4 of 4)"), so screen readers can tell the regions apart. Defaults to the title.
   */
  name?: string;
  /** A dragged card would drop into this column: highlighted. */
  isDropTarget?: boolean;
  /** The card being dragged, if any: a long column keeps it rendered wherever it scrolls. */
  activeCardId?: string | null;
}

export const ColumnView = memo(function ColumnView({
  column,
  cards,
  presence,
  openCardId,
  cardExtras,
  columnExtras,
  name = column.title,
  isDropTarget = false,
  activeCardId = null,
}: ColumnViewProps) {
  const { doc, me, mutation, confirm, readOnly } = useBoardContext();
  const [renaming, setRenaming] = useState(false);
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({ id: columnDndId(column.id), data: { type: 'column' }, disabled: readOnly });
  const style = { transform: CSS.Translate.toString(transform), transition };
  const handlers = splitListeners(listeners);
  const cardIds = useStableIds(cards.map((card) => cardDndId(card.id)));
  const cardWindow = useCardWindow(cards, activeCardId);

  const askDelete = () => {
    const count = column.cards.length;
    confirm({
      title: `Delete column “${column.title}”?`,
      message:
        count === 0
          ? "It goes to the board's trash, where it can be restored."
          : `It goes to the board's trash with its ${count === 1 ? 'card' : `${count} cards`} (archived ones too), where they can be restored together.`,
      confirmLabel: 'Delete column',
      onConfirm: () => deleteColumn(doc, column.id, mutation),
    });
  };

  return (
    <section
      ref={setNodeRef}
      style={style}
      className={`board-column${isDragging ? ' dragging' : ''}${column.resurrected ? ' resurrected' : ''}${isDropTarget ? ' drop-target' : ''}`}
      data-testid={`column-${column.id}`}
      aria-label={name}
    >
      <header
        className="column-header"
        onPointerDown={handlers.onPointerDown}
        onTouchStart={handlers.onTouchStart}
      >
        {readOnly ? null : (
          <button
            type="button"
            ref={setActivatorNodeRef}
            className="column-handle"
            {...attributes}
            onKeyDown={handlers.onKeyDown}
            aria-label={`Move column: ${name}`}
            aria-roledescription="draggable column"
          >
            <Icon name="grip" />
          </button>
        )}
        {renaming && !readOnly ? (
          <InlineEdit
            value={column.title}
            label="Column title"
            maxLength={MAX_COLUMN_TITLE_LENGTH}
            onCommit={(title) => renameColumn(doc, column.id, title, mutation)}
            onDone={() => setRenaming(false)}
          />
        ) : (
          <h3 className="column-title" onDoubleClick={readOnly ? undefined : () => setRenaming(true)}>
            {column.title}
          </h3>
        )}
        <span className="column-count" title={`${column.cards.length} cards`}>
          <span className="visually-hidden">Cards: </span>
          {column.cards.length}
        </span>
        {columnExtras?.(column)}
        {column.placeholder || readOnly ? null : (
          <span className="column-actions">
            <button
              type="button"
              className="icon-button"
              onClick={() => setRenaming(true)}
              aria-label={`Rename column ${name}`}
              title="Rename column"
            >
              <Icon name="pencil" />
            </button>
            <button
              type="button"
              className="icon-button"
              onClick={askDelete}
              aria-label={`Delete column ${name}`}
              title="Delete column"
            >
              <Icon name="trash" />
            </button>
          </span>
        )}
      </header>
      {column.resurrected ? (
        <p className="column-notice" role="note">
          This column was deleted while someone moved a card into it, so it is shown until its cards are
          moved.
          {readOnly ? null : (
            <>
              {' '}
              <button
                type="button"
                className="link-button"
                onClick={() => restoreColumn(doc, column.id, mutation)}
              >
                Keep column
              </button>
            </>
          )}
        </p>
      ) : null}
      {column.placeholder ? (
        <p className="column-notice" role="note">
          Waiting for this column to arrive from the server…
        </p>
      ) : null}
      <SortableContext id={column.id} items={cardIds} strategy={verticalListSortingStrategy}>
        <ol ref={cardWindow.listRef} className="card-list" aria-label={`Cards in ${name}`}>
          {cardWindow.spaceBefore > 0 ? <CardSpacer height={cardWindow.spaceBefore} /> : null}
          {cardWindow.shown.map(({ card, index }) => (
            <li
              key={card.id}
              data-index={index}
              ref={cardWindow.measureRef}
              // Only part of a long column is in the page: say where each card is among all of them.
              aria-posinset={cardWindow.windowed ? index + 1 : undefined}
              aria-setsize={cardWindow.windowed ? cards.length : undefined}
            >
              <CardTile
                card={card}
                viewers={presence.viewers.get(card.id) ?? NOBODY}
                editors={presence.editors.get(card.id) ?? NOBODY}
                isOpen={openCardId === card.id}
                cardExtras={cardExtras}
              />
            </li>
          ))}
          {cardWindow.spaceAfter > 0 ? <CardSpacer height={cardWindow.spaceAfter} /> : null}
        </ol>
      </SortableContext>
      {column.placeholder || readOnly ? null : (
        <AddCardForm
          columnTitle={name}
          onAdd={(title) => addCard(doc, { columnId: column.id, title, createdBy: me.id }, mutation)}
        />
      )}
    </section>
  );
});

const NOBODY: readonly Participant[] = [];

/** The room of cards of a long column that are not rendered (see card-window.ts). */
function CardSpacer({ height }: { height: number }) {
  // flex: none: an empty flex item would shrink to nothing in the scrolling list.
  return <li className="card-list-spacer" aria-hidden="true" style={{ height, flex: 'none' }} />;
}

function AddCardForm({ columnTitle, onAdd }: { columnTitle: string; onAdd: (title: string) => void }) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const inputRef = useRef<HTMLTextAreaElement>(null);
  if (!open) {
    return (
      <button type="button" className="add-card-button" onClick={() => setOpen(true)}>
        + Add card<span className="visually-hidden"> to {columnTitle}</span>
      </button>
    );
  }
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const clean = title.trim();
    if (clean === '') return;
    onAdd(clean);
    setTitle('');
    inputRef.current?.focus();
  };
  return (
    <form className="add-card-form" onSubmit={submit}>
      <textarea
        ref={inputRef}
        // biome-ignore lint/a11y/noAutofocus: the user just asked for this field
        autoFocus
        rows={2}
        aria-label={`New card title in ${columnTitle}`}
        placeholder="Card title"
        maxLength={MAX_CARD_TITLE_LENGTH}
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey) submit(event);
          if (event.key === 'Escape') {
            event.stopPropagation();
            setOpen(false);
          }
        }}
      />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={title.trim() === ''}>
          Add card
        </button>
        <button
          type="button"
          onClick={() => {
            setOpen(false);
            setTitle('');
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
