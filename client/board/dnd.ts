/**
 * Drag-and-drop bookkeeping, kept pure so it can be tested without a browser. While a card is dragged the
 * view shows a local layout (column id → card ids) that follows the pointer or keyboard across columns;
 * only the drop writes to the document, as one moveCard.
 */
import type { KeyboardCoordinateGetter, UniqueIdentifier } from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import type React from 'react';
import type { BoardSnapshot } from '../../shared/board';

export type Layout = ReadonlyMap<string, readonly string[]>;

export type DndItem = { type: 'card' | 'column'; id: string };

export const cardDndId = (cardId: string): string => `card:${cardId}`;
export const columnDndId = (columnId: string): string => `column:${columnId}`;

export function parseDndId(id: UniqueIdentifier | null | undefined): DndItem | null {
  if (typeof id !== 'string') return null;
  if (id.startsWith('card:')) return { type: 'card', id: id.slice(5) };
  if (id.startsWith('column:')) return { type: 'column', id: id.slice(7) };
  return null;
}

export function layoutOf(board: BoardSnapshot): Layout {
  return new Map(board.columns.map((column) => [column.id, column.cards.map((card) => card.id)]));
}

export function columnOf(layout: Layout, cardId: string): string | null {
  for (const [columnId, cardIds] of layout) if (cardIds.includes(cardId)) return columnId;
  return null;
}

/**
 * The layout with `cardId` moved to where `over` is: before the card it is over (after it when `after`), or
 * at the end of the column it is over. Returns `layout` itself when nothing moves.
 */
export function moveInLayout(layout: Layout, cardId: string, over: DndItem, after = false): Layout {
  const from = columnOf(layout, cardId);
  const to = over.type === 'column' ? over.id : columnOf(layout, over.id);
  if (from === null || to === null || !layout.has(to)) return layout;
  if (over.type === 'card' && over.id === cardId) return layout;
  const source = layout.get(from) ?? [];
  const target = from === to ? source : (layout.get(to) ?? []);
  const without = target.filter((id) => id !== cardId);
  let index = without.length;
  if (over.type === 'card') {
    const overIndex = without.indexOf(over.id);
    if (from === to) {
      // Within a column, dropping on a card takes its place (like arrayMove).
      const oldIndex = source.indexOf(cardId);
      const newIndex = source.indexOf(over.id);
      index = oldIndex < newIndex ? overIndex + 1 : overIndex;
    } else {
      index = overIndex + (after ? 1 : 0);
    }
  } else if (from === to) {
    return layout;
  }
  const next = new Map(layout);
  if (from !== to)
    next.set(
      from,
      source.filter((id) => id !== cardId),
    );
  next.set(to, [...without.slice(0, index), cardId, ...without.slice(index)]);
  const unchanged = from === to && next.get(to)?.every((id, i) => id === source[i]);
  return unchanged ? layout : next;
}

/** Where the card sits in `layout`, as moveCard wants it: column and index among the other cards. */
export function dropTarget(layout: Layout, cardId: string): { columnId: string; index: number } | null {
  const columnId = columnOf(layout, cardId);
  if (columnId === null) return null;
  return { columnId, index: layout.get(columnId)?.indexOf(cardId) ?? 0 };
}

/**
 * The keyboard sensor's next position: dnd-kit's sortable one, except that a dragged card never targets the
 * column it is in. That getter takes every droppable whose left edge is left of the card's as a candidate for
 * ArrowLeft, and the card's own column qualifies (its edge is left of the inset card) and is the nearest: the
 * first ArrowLeft landed on the card's own column (a no-op, or a move up) instead of the column on its left.
 * ArrowRight never saw it, because the own column's left edge is not to the card's right.
 */
export const boardKeyboardCoordinates: KeyboardCoordinateGetter = (event, args) => {
  const { active } = args.context;
  if (parseDndId(active?.id)?.type !== 'card') return sortableKeyboardCoordinates(event, args);
  const sortable = active?.data.current?.sortable as { containerId?: UniqueIdentifier } | undefined;
  if (typeof sortable?.containerId !== 'string') return sortableKeyboardCoordinates(event, args);
  // The sortable getter skips every droppable it has no rect for: drop the own column's.
  const droppableRects = new Map(args.context.droppableRects);
  droppableRects.delete(columnDndId(sortable.containerId));
  if (event.code === 'ArrowLeft' || event.code === 'ArrowRight') {
    // Sideways means another column. The lifted card is drawn scaled up, so its rectangle starts left of its
    // column's other cards, which dnd-kit would otherwise count as lying to the right of it.
    for (const container of args.context.droppableContainers.getEnabled()) {
      const other = container.data.current?.sortable as { containerId?: UniqueIdentifier } | undefined;
      if (other?.containerId === sortable.containerId) droppableRects.delete(container.id);
    }
  }
  return sortableKeyboardCoordinates(event, { ...args, context: { ...args.context, droppableRects } });
};

// biome-ignore lint/complexity/noBannedTypes: dnd-kit types its listeners as Function
type SyntheticListeners = Record<string, Function> | undefined;

/**
 * dnd-kit's listeners, split so a pointer or touch starts a drag anywhere on an item while the keyboard starts one
 * only from its grip button (Space/Enter elsewhere on the item keep their usual meaning).
 */
export function splitListeners(listeners: SyntheticListeners): {
  onPointerDown?: (event: React.PointerEvent<HTMLElement>) => void;
  onTouchStart?: (event: React.TouchEvent<HTMLElement>) => void;
  onKeyDown?: (event: React.KeyboardEvent<HTMLElement>) => void;
} {
  return {
    onPointerDown: listeners?.onPointerDown as ((event: React.PointerEvent<HTMLElement>) => void) | undefined,
    onTouchStart: listeners?.onTouchStart as ((event: React.TouchEvent<HTMLElement>) => void) | undefined,
    onKeyDown: listeners?.onKeyDown as ((event: React.KeyboardEvent<HTMLElement>) => void) | undefined,
  };
}
