/**
 * What a screen reader hears during a drag: the item's title, its position and column, at pick-up, at every
 * move and at the drop ("Picked up Fix login, position 2 of 5 in To do."). dnd-kit writes these into its
 * live region; its defaults name the internal ids ("Draggable item card:x7…").
 */
import type { Announcements, UniqueIdentifier } from '@dnd-kit/core';
import type { BoardSnapshot } from '../../shared/board';
import { dropTarget, type Layout, layoutOf, moveInLayout, parseDndId } from './dnd';

export interface DragSnapshot {
  board: BoardSnapshot;
  /** The card layout of the drag under way (null for a column drag, or before one starts). */
  layout: Layout | null;
}

interface Place {
  title: string;
  /** 1-based. */
  position: number;
  count: number;
  /** The column's title, for a card. */
  column: string | null;
}

const cardPlace = (snapshot: DragSnapshot, cardId: string, layout: Layout | null): Place | null => {
  const card = snapshot.board.cards.get(cardId);
  // Before the drag's own layout is rendered (at pick-up), the board's is the same.
  const from = layout ?? snapshot.layout ?? layoutOf(snapshot.board);
  if (!card) return null;
  const target = dropTarget(from, cardId);
  if (!target) return null;
  const column = snapshot.board.columns.find((c) => c.id === target.columnId);
  return {
    title: card.title,
    position: target.index + 1,
    count: from.get(target.columnId)?.length ?? 1,
    column: column?.title ?? 'a column',
  };
};

const columnPlace = (snapshot: DragSnapshot, columnId: string, overId: UniqueIdentifier | null) => {
  const columns = snapshot.board.columns;
  const column = columns.find((c) => c.id === columnId);
  if (!column) return null;
  const over = parseDndId(overId);
  const index = columns.findIndex((c) => c.id === (over?.type === 'column' ? over.id : columnId));
  return { title: column.title, position: index + 1, count: columns.length, column: null };
};

/** Where the item would land if dropped now (`over` is what the pointer or keyboard is over). */
function placeOf(snapshot: DragSnapshot, activeId: UniqueIdentifier, overId: UniqueIdentifier | null) {
  const active = parseDndId(activeId);
  if (!active) return null;
  if (active.type === 'column') return columnPlace(snapshot, active.id, overId);
  const over = parseDndId(overId);
  const base = snapshot.layout ?? layoutOf(snapshot.board);
  return cardPlace(snapshot, active.id, over ? moveInLayout(base, active.id, over) : base);
}

const where = (place: Place) =>
  place.column === null
    ? `position ${place.position} of ${place.count}`
    : `position ${place.position} of ${place.count} in ${place.column}`;

const named = (place: Place, activeId: UniqueIdentifier, capital: boolean) =>
  parseDndId(activeId)?.type === 'column' ? `${capital ? 'Column' : 'column'} ${place.title}` : place.title;

/**
 * Announcements for the board's DndContext. `read` returns the board and drag layout as they are when dnd-kit
 * asks (it announces from its own event handlers, before React re-renders).
 */
export function boardAnnouncements(read: () => DragSnapshot): Announcements {
  let last = '';
  return {
    onDragStart({ active }) {
      const place = placeOf(read(), active.id, null);
      if (!place) return undefined;
      last = where(place);
      return `Picked up ${named(place, active.id, false)}, ${last}.`;
    },
    onDragOver({ active, over }) {
      const place = placeOf(read(), active.id, over?.id ?? null);
      // Over itself at the start, or a new target that lands in the same place: nothing new to say.
      if (!place || where(place) === last) return undefined;
      last = where(place);
      return `${named(place, active.id, true)} moved to ${last}.`;
    },
    onDragEnd({ active, over }) {
      const place = placeOf(read(), active.id, over?.id ?? null);
      if (!place) return undefined;
      return over === null
        ? `${named(place, active.id, true)} was dropped outside the board and stays where it was.`
        : `Dropped ${named(place, active.id, false)} at ${where(place)}.`;
    },
    onDragCancel({ active }) {
      // The layout from before the drag: where the item goes back to.
      const snapshot = read();
      const item = parseDndId(active.id);
      const place =
        item?.type === 'card'
          ? cardPlace({ ...snapshot, layout: null }, item.id, layoutOf(snapshot.board))
          : placeOf(snapshot, active.id, null);
      if (!place) return undefined;
      return `Cancelled. ${named(place, active.id, true)} is back at ${where(place)}.`;
    },
  };
}

export const DRAG_INSTRUCTIONS =
  'To move a card or a column, press Space or Enter on its grip to pick it up, use the arrow keys to move it, ' +
  'then Space or Enter to drop it, or Escape to cancel.';
