import {
  type Announcements,
  type CollisionDetection,
  closestCenter,
  closestCorners,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  type ScreenReaderInstructions,
  type SensorDescriptor,
  type SensorOptions,
  TouchSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { useCallback, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import {
  type BoardSnapshot,
  type CardSnapshot,
  type MutationOptions,
  moveCard,
  moveColumn,
} from '../../shared/board';
import {
  boardKeyboardCoordinates,
  columnOf,
  dropTarget,
  type Layout,
  layoutOf,
  moveInLayout,
  parseDndId,
} from './dnd';
import { boardAnnouncements, DRAG_INSTRUCTIONS } from './drag-announcements';

type DragState = { type: 'column'; id: string } | { type: 'card'; id: string; layout: Layout };

export interface BoardDnd {
  /** Spread on `<DndContext>`. */
  context: {
    sensors: SensorDescriptor<SensorOptions>[];
    collisionDetection: CollisionDetection;
    onDragStart: (event: DragStartEvent) => void;
    onDragOver: (event: DragOverEvent) => void;
    onDragEnd: (event: DragEndEvent) => void;
    onDragCancel: () => void;
    accessibility: { announcements: Announcements; screenReaderInstructions: ScreenReaderInstructions };
  };
  /** The column a dragged card would drop into (highlighted), or null when no card is dragged. */
  dropColumnId: string | null;
  /** The card being dragged, or null. */
  activeCardId: string | null;
  /** The cards to show in a column: its own, or the drag preview's while a card is dragged. */
  cardsFor: (columnId: string, own: readonly CardSnapshot[]) => readonly CardSnapshot[];
}

/**
 * The drag-and-drop state machine of the board. While a card is dragged the view shows a local layout that
 * follows the pointer or keyboard across columns (dnd.ts); only the drop writes, as one moveCard (or one
 * moveColumn for a column). Read-only: every column and card is a disabled sortable with no grip, so no
 * sensor can start a drag, and a drag started just before the board turned read-only drops nowhere. (The
 * sensors themselves stay: DndContext requires the same number of them on every render.)
 */
export function useBoardDnd(
  board: BoardSnapshot,
  doc: Y.Doc,
  mutation: MutationOptions,
  readOnly: boolean,
): BoardDnd {
  const [drag, setDrag] = useState<DragState | null>(null);
  const [dropColumnId, setDropColumnId] = useState<string | null>(null);
  // dnd-kit announces from its own event handlers, before React renders: it reads the latest board and drag.
  const latest = useRef({ board, drag });
  latest.current = { board, drag };
  const accessibility = useMemo(
    () => ({
      announcements: boardAnnouncements(() => {
        const { board: current, drag: state } = latest.current;
        return { board: current, layout: state?.type === 'card' ? state.layout : null };
      }),
      screenReaderInstructions: { draggable: DRAG_INSTRUCTIONS },
    }),
    [],
  );

  const sensors = useSensors(
    useSensor(MouseAndPenSensor, POINTER_OPTIONS),
    useSensor(TouchSensor, TOUCH_OPTIONS),
    useSensor(KeyboardSensor, KEYBOARD_OPTIONS),
  );

  const collisionDetection = useCallback<CollisionDetection>(
    (args) => {
      const wanted = drag?.type ?? 'card';
      const droppableContainers = args.droppableContainers.filter((container) => {
        const item = parseDndId(container.id);
        return wanted === 'column' ? item?.type === 'column' : item !== null;
      });
      if (wanted === 'column') return closestCenter({ ...args, droppableContainers });
      return closestCorners({ ...args, droppableContainers });
    },
    [drag?.type],
  );

  const onDragStart = ({ active }: DragStartEvent) => {
    const item = parseDndId(active.id);
    if (!item) return;
    const layout = layoutOf(board);
    setDrag(item.type === 'card' ? { type: 'card', id: item.id, layout } : { type: 'column', id: item.id });
    setDropColumnId(item.type === 'card' ? columnOf(layout, item.id) : null);
  };

  const onDragOver = ({ active, over }: DragOverEvent) => {
    if (drag?.type !== 'card' || !over) return;
    const target = parseDndId(over.id);
    if (!target) return;
    // The highlighted drop target follows what the card is over, within its own column too.
    const projected = columnOf(moveInLayout(drag.layout, drag.id, target), drag.id);
    if (projected !== dropColumnId) setDropColumnId(projected);
    const overColumn = target.type === 'column' ? target.id : null;
    const fromColumn = [...drag.layout].find(([, ids]) => ids.includes(drag.id))?.[0];
    // Only crossing into another column changes the preview; within a column the sortable strategy animates.
    const crossing =
      overColumn !== null
        ? overColumn !== fromColumn
        : !drag.layout.get(fromColumn ?? '')?.includes(target.id);
    if (!crossing) return;
    const translated = active.rect.current.translated;
    const after = translated !== null && translated.top > over.rect.top + over.rect.height / 2;
    const layout = moveInLayout(drag.layout, drag.id, target, after);
    if (layout !== drag.layout) setDrag({ ...drag, layout });
  };

  const onDragEnd = ({ over }: DragEndEvent) => {
    const current = drag;
    setDrag(null);
    setDropColumnId(null);
    if (!current || !over || readOnly) return;
    const target = parseDndId(over.id);
    if (!target) return;
    if (current.type === 'column') {
      if (target.type !== 'column' || target.id === current.id) return;
      const index = board.columns.findIndex((c) => c.id === target.id);
      if (index >= 0) moveColumn(doc, current.id, index, mutation);
      return;
    }
    const layout = moveInLayout(current.layout, current.id, target);
    const drop = dropTarget(layout, current.id);
    if (drop) moveCard(doc, current.id, drop, mutation);
  };

  // A column's preview keeps its array while its part of the layout is unchanged, so only the columns a
  // drag step changed re-render.
  const previews = useRef({ cards: board.cards, byIds: new WeakMap<readonly string[], CardSnapshot[]>() });
  if (previews.current.cards !== board.cards) previews.current = { cards: board.cards, byIds: new WeakMap() };
  const cardsFor = (columnId: string, own: readonly CardSnapshot[]): readonly CardSnapshot[] => {
    if (drag?.type !== 'card') return own;
    const ids = drag.layout.get(columnId);
    if (!ids) return own;
    const { byIds } = previews.current;
    let preview = byIds.get(ids);
    if (preview === undefined) {
      preview = ids.flatMap((id) => board.cards.get(id) ?? []);
      byIds.set(ids, preview);
    }
    return preview;
  };

  return {
    context: {
      sensors,
      collisionDetection,
      onDragStart,
      onDragOver,
      onDragEnd,
      onDragCancel: () => {
        setDrag(null);
        setDropColumnId(null);
      },
      accessibility,
    },
    dropColumnId,
    activeCardId: drag?.type === 'card' ? drag.id : null,
    cardsFor,
  };
}

/*
 * Sensor options are constants: useSensor memoises on the options object, and a new object each render
 * gives DndContext new activators, which re-renders every draggable (every card) with the board.
 */
const POINTER_OPTIONS = { activationConstraint: { distance: 5 } };
/** A finger scrolls the board; pressing and holding a card picks it up. */
const TOUCH_OPTIONS = { activationConstraint: { delay: 250, tolerance: 8 } };
const KEYBOARD_OPTIONS = { coordinateGetter: boardKeyboardCoordinates };

/**
 * The pointer sensor for mice and pens only: touch goes through the TouchSensor, whose press-and-hold leaves a
 * swipe free to scroll the columns (a pointer sensor would start a drag after 5 px of any swipe).
 */
class MouseAndPenSensor extends PointerSensor {
  static override activators = PointerSensor.activators.map((activator) => ({
    ...activator,
    handler: (
      event: Parameters<typeof activator.handler>[0],
      options: Parameters<typeof activator.handler>[1],
    ) => event.nativeEvent.pointerType !== 'touch' && activator.handler(event, options),
  }));
}
