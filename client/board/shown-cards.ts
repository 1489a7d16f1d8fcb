import { useRef } from 'react';
import type { CardSnapshot, ColumnSnapshot } from '../../shared/board';

/** Which cards a filter lets through; null shows every card. Keep it stable (useMemo) while it is unchanged. */
export type CardPredicate = ((card: CardSnapshot) => boolean) | null;

interface Entry {
  source: readonly CardSnapshot[];
  predicate: CardPredicate;
  shown: readonly CardSnapshot[];
}

/**
 * The cards of each column that the filter lets through. A column whose cards and filter are unchanged keeps
 * the same array, so its memoised view does not re-render when another column changes.
 */
export function useShownCards(columns: readonly ColumnSnapshot[], predicate: CardPredicate) {
  const cache = useRef(new Map<string, Entry>());
  const shownFor = (columnId: string, cards: readonly CardSnapshot[]): readonly CardSnapshot[] => {
    if (predicate === null) return cards;
    const cached = cache.current.get(columnId);
    if (cached && cached.source === cards && cached.predicate === predicate) return cached.shown;
    const shown = cards.filter(predicate);
    // Nothing hidden: the column's own array, as without a filter.
    const result = shown.length === cards.length ? cards : shown;
    cache.current.set(columnId, { source: cards, predicate, shown: result });
    return result;
  };
  // Columns that left the board leave the cache too.
  if (cache.current.size > columns.length) {
    const ids = new Set(columns.map((column) => column.id));
    for (const id of cache.current.keys()) if (!ids.has(id)) cache.current.delete(id);
  }
  return shownFor;
}
