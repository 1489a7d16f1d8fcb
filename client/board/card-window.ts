import {
  defaultRangeExtractor,
  measureElement,
  observeElementRect,
  type Range,
  type Rect,
  useVirtualizer,
  type Virtualizer,
} from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CardSnapshot } from '../../shared/board';

/** A column with more cards than this renders only those near its visible part. */
export const WINDOW_FROM_CARDS = 50;
/** The height of a card not measured yet (a title line, a preview line, a meta line). */
const ESTIMATED_CARD_PX = 76;
/**
 * Cards rendered beyond each edge of the visible part: the next card Tab or a keyboard drag reaches is
 * already there (focusing a card scrolls it into view, which moves the window along).
 */
const OVERSCAN_CARDS = 6;
/** A long column this far outside the viewport (sideways, in the row of columns) renders no card. */
const NEAR_VIEWPORT_PX = 400;

export interface ShownCard {
  card: CardSnapshot;
  /** Position in the column (0-based). */
  index: number;
}

export interface CardWindow {
  /** The column's scrolling card list. */
  listRef: (element: HTMLOListElement | null) => void;
  /** The cards to render, in order. */
  shown: readonly ShownCard[];
  /** The room of the cards not rendered above and below the rendered ones (px; 0: no spacer). */
  spaceBefore: number;
  spaceAfter: number;
  /** On each rendered item (with `data-index`): its measured height places the others. */
  measureRef: ((element: HTMLElement | null) => void) | undefined;
  /** Only part of the column is rendered. */
  windowed: boolean;
}

/**
 * Which of a column's cards to render. A long column renders the cards in and near its visible part, plus
 * the one being dragged, and keeps the room of the others with a spacer above and below (not padding: the
 * list is the scroll container, and padding would not shrink with it), so a board of thousands of
 * cards mounts, re-renders and registers as drop targets only what is on screen: every mounted card is a
 * dnd-kit sortable, and dnd-kit's registry and React's context updates cost per mounted card. A long column
 * scrolled out of view in the row of columns renders none. The sortable context keeps every id of the
 * column, so positions count all cards.
 */
export function useCardWindow(cards: readonly CardSnapshot[], keepCardId: string | null): CardWindow {
  const [list, setList] = useState<HTMLOListElement | null>(null);
  const windowed = cards.length > WINDOW_FROM_CARDS;
  // A dragged card stays rendered however far the column scrolls (dnd-kit follows its element).
  const keep = useRef(-1);
  keep.current = keepCardId === null ? -1 : cards.findIndex((card) => card.id === keepCardId);
  const gap = useMemo(() => (list ? rowGap(list) : 0), [list]);
  const getItemKey = useCallback((index: number) => cards[index]?.id ?? index, [cards]);
  const rangeExtractor = useCallback((range: Range) => {
    const indexes = defaultRangeExtractor(range);
    const kept = keep.current;
    if (kept < 0) return indexes;
    // Contiguous, so the spacers above and below stay the room of the cards not rendered.
    const first = Math.min(indexes[0] ?? kept, kept);
    const last = Math.max(indexes.at(-1) ?? kept, kept);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }, []);
  const onScreen = useNearViewport(windowed ? list : null);
  const virtualizer = useVirtualizer({
    count: cards.length,
    enabled: windowed,
    getScrollElement: () => list,
    estimateSize: () => ESTIMATED_CARD_PX,
    getItemKey,
    rangeExtractor,
    overscan: OVERSCAN_CARDS,
    gap,
    initialRect: { width: 0, height: fallbackHeight() },
    observeElementRect: observeListRect,
    measureElement: measureCard,
  });
  if (!windowed) {
    return {
      listRef: setList,
      shown: cards.map((card, index) => ({ card, index })),
      spaceBefore: 0,
      spaceAfter: 0,
      measureRef: undefined,
      windowed,
    };
  }
  if (!onScreen && keep.current < 0) {
    // Scrolled out of view sideways (or not laid out yet): only the room of the cards.
    const total = virtualizer.getTotalSize();
    return {
      listRef: setList,
      shown: [],
      spaceBefore: 0,
      spaceAfter: total,
      measureRef: undefined,
      windowed,
    };
  }
  const items = virtualizer.getVirtualItems();
  const shown = items.flatMap((item) => {
    const card = cards[item.index];
    return card ? [{ card, index: item.index }] : [];
  });
  const first = items[0];
  const last = items.at(-1);
  // Spacers are items of the list too: the list's gap separates each from its neighbour.
  const spaceBefore = first && first.start > 0 ? Math.max(0, first.start - gap) : 0;
  const after = last ? virtualizer.getTotalSize() - last.end : 0;
  const spaceAfter = after > 0 ? Math.max(0, after - gap) : 0;
  return {
    listRef: setList,
    shown,
    spaceBefore,
    spaceAfter,
    measureRef: virtualizer.measureElement,
    windowed,
  };
}

/**
 * Whether the element is on screen or near it, followed with an IntersectionObserver. Checked once before the
 * first paint (a layout effect): a board opens with cards in the columns it shows and none in the others.
 */
function useNearViewport(element: Element | null): boolean {
  const [near, setNear] = useState(false);
  useLayoutEffect(() => {
    if (element === null) return;
    if (typeof IntersectionObserver === 'undefined') {
      setNear(true);
      return;
    }
    const rect = element.getBoundingClientRect();
    setNear(
      rect.right > -NEAR_VIEWPORT_PX &&
        rect.left < window.innerWidth + NEAR_VIEWPORT_PX &&
        rect.top < window.innerHeight + NEAR_VIEWPORT_PX,
    );
    const observer = new IntersectionObserver(
      (entries) => {
        const entry = entries.at(-1);
        if (entry) setNear(entry.isIntersecting);
      },
      { rootMargin: `${NEAR_VIEWPORT_PX}px` },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return element !== null && near;
}

/** The viewport's height: what a list not laid out yet (or not at all) is taken to show. */
function fallbackHeight(): number {
  return typeof window === 'undefined' ? 800 : window.innerHeight;
}

/** The list's size as laid out, or the fallback while it has none, so a list always renders some cards. */
function observeListRect(instance: Virtualizer<HTMLOListElement, Element>, report: (rect: Rect) => void) {
  return observeElementRect(instance, (rect) =>
    report(rect.height > 0 ? rect : { width: rect.width, height: fallbackHeight() }),
  );
}

/** A rendered card's height, or the estimate while it is not laid out (0 would stack every card at one place). */
function measureCard(
  element: Element,
  entry: ResizeObserverEntry | undefined,
  instance: Virtualizer<HTMLOListElement, Element>,
): number {
  const size = measureElement(element, entry, instance);
  return size > 0 ? size : ESTIMATED_CARD_PX;
}

function rowGap(element: HTMLElement): number {
  const gap = Number.parseFloat(getComputedStyle(element).rowGap);
  return Number.isFinite(gap) ? gap : 0;
}
