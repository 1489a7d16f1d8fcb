/**
 * What a board document remembers between two readings, so that reading a board of thousands of cards after
 * a change to one of them costs that card and its columns, not the whole board.
 *
 * - Card snapshots are kept per document and rebuilt only for cards changed since the last read (tracked
 *   with deep observers); an unchanged card keeps its object identity (React memoisation).
 * - When only cards changed since the last snapshot handed out (no column, no label), and none of them is
 *   or was in the trash, the next snapshot is derived from that one: the changed cards are replaced, and
 *   only the columns they left or entered are sorted again. Anything else (columns, labels, the trash, a
 *   card entering a column that is not shown as an ordinary column) takes the full read in read.ts, which
 *   gives the same result: the property suite compares the two after every step of random concurrent work.
 */
import type * as Y from 'yjs';
import { compareByOrder } from './order';
import type { BoardSnapshot, CardSnapshot, ColumnSnapshot } from './read';
import { compareText, readCard } from './read-card';
import { sameCard } from './read-sharing';
import { childMap, readPos, readTrashRecord, roots, TRASHED_KEY, type TrashRecord } from './schema';

export interface CachedCard {
  map: Y.Map<unknown>;
  snapshot: CardSnapshot;
  trashed: TrashRecord | null;
  labelsVersion: number;
  /** The column a card without a readable position was shown in (null if it has one). */
  fallback: string | null;
}

export interface ReadCache {
  cards: Map<string, CachedCard>;
  /** Cards changed since they were last read. */
  dirty: Set<string>;
  /** Bumped on any label change: cards list labels in label order and drop deleted ones. */
  labelsVersion: number;
  /** Bumped on any column change (title, order, deletion, trash). */
  columnsVersion: number;
  /** The last snapshot handed out, with what it was read from. */
  last: {
    snapshot: BoardSnapshot;
    labelsVersion: number;
    columnsVersion: number;
    /** The first live column: where a card without a readable position is shown. */
    fallback: string;
    /** The label order cards list their labels in. */
    labelRank: ReadonlyMap<string, number>;
  } | null;
}

const caches = new WeakMap<Y.Doc, ReadCache>();

/** How often each path ran (tests check that the property suite takes both). */
export const readCounts = { patched: 0, whole: 0 };

/** Past this many changed cards, the full read is as cheap as patching the last snapshot. */
const MAX_PATCHED_CARDS = 64;

/** The document's cache, or null inside a transaction (its observers have not run yet: read afresh). */
export function cacheFor(doc: Y.Doc): ReadCache | null {
  if (doc._transaction !== null) return null;
  let cache = caches.get(doc);
  if (!cache) {
    const created: ReadCache = {
      cards: new Map(),
      dirty: new Set(),
      labelsVersion: 0,
      columnsVersion: 0,
      last: null,
    };
    const r = roots(doc);
    r.cards.observeDeep((events) => {
      for (const event of events) {
        if (event.target === r.cards)
          for (const key of (event as Y.YMapEvent<unknown>).keysChanged) created.dirty.add(key);
        else if (typeof event.path[0] === 'string') created.dirty.add(event.path[0]);
      }
    });
    r.labels.observeDeep(() => {
      created.labelsVersion++;
    });
    r.columns.observeDeep(() => {
      created.columnsVersion++;
    });
    caches.set(doc, created);
    cache = created;
  }
  return cache;
}

/**
 * The cards of the board as the last snapshot handed out plus what changed since, or null when the change
 * is not one this path covers (the caller then reads the whole board). Members, meta and the rest are read
 * by the caller.
 */
export function patchCards(
  doc: Y.Doc,
  cache: ReadCache,
): Pick<BoardSnapshot, 'cards' | 'columns' | 'archivedCards'> | null {
  const last = cache.last;
  if (
    last === null ||
    last.columnsVersion !== cache.columnsVersion ||
    last.labelsVersion !== cache.labelsVersion ||
    cache.dirty.size > MAX_PATCHED_CARDS
  ) {
    return null;
  }
  const previous = last.snapshot;
  const r = roots(doc);
  const changed = new Map<string, CardSnapshot | null>();
  for (const id of [...cache.dirty]) {
    const cached = cache.cards.get(id);
    if (cached?.trashed) return null;
    const card = childMap(r.cards as Y.Map<unknown>, id);
    if (!card) {
      cache.cards.delete(id);
      cache.dirty.delete(id);
      changed.set(id, null);
      continue;
    }
    const trashed = readTrashRecord(card.get(TRASHED_KEY));
    if (trashed) return null;
    const pos = readPos(card.get('pos'));
    let snapshot = readCard(id, card, pos, last.fallback, last.labelRank);
    const old = previous.cards.get(id);
    if (old && sameCard(old, snapshot)) snapshot = old;
    cache.cards.set(id, {
      map: card,
      snapshot,
      trashed: null,
      labelsVersion: cache.labelsVersion,
      fallback: pos ? null : last.fallback,
    });
    cache.dirty.delete(id);
    changed.set(id, snapshot);
  }

  const touchedColumns = new Set<string>();
  let archivedTouched = false;
  let cards: Map<string, CardSnapshot> | null = null;
  for (const [id, snapshot] of changed) {
    const old = previous.cards.get(id);
    if (old === snapshot) continue;
    cards ??= new Map(previous.cards);
    for (const side of [old, snapshot]) {
      if (!side) continue;
      if (side.archived) archivedTouched = true;
      else touchedColumns.add(side.columnId);
    }
    if (snapshot) cards.set(id, snapshot);
    else cards.delete(id);
  }
  readCounts.patched++;
  if (cards === null) return previous;

  const shown = new Map(previous.columns.map((column) => [column.id, column]));
  for (const columnId of touchedColumns) {
    const column = shown.get(columnId);
    // A resurrected or placeholder column appears and disappears with its cards: the full read decides.
    if (!column || column.resurrected || column.placeholder) return null;
  }
  const inColumn = (columnId: string) => (card: CardSnapshot | null | undefined) =>
    card !== null && card !== undefined && !card.archived && card.columnId === columnId;
  const columns: ColumnSnapshot[] = previous.columns.map((column) => {
    if (!touchedColumns.has(column.id)) return column;
    const kept = column.cards.filter((card) => !changed.has(card.id));
    const entering = [...changed.values()].filter(inColumn(column.id)) as CardSnapshot[];
    return { ...column, cards: [...kept, ...entering].sort(compareByOrder) };
  });

  let archivedCards = previous.archivedCards;
  if (archivedTouched) {
    const kept = previous.archivedCards.filter((card) => !changed.has(card.id));
    const entering = [...changed.values()].filter((card) => card?.archived === true) as CardSnapshot[];
    archivedCards = [...kept, ...entering].sort(
      (a, b) => a.createdAt - b.createdAt || compareText(a.id, b.id),
    );
  }
  return { cards, columns, archivedCards };
}
