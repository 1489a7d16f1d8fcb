/**
 * Where things are shown, computed from the Yjs types without reading whole cards, as readBoard shows them
 * (read.ts): what moves and adds need to pick order keys, and stay cheap on big boards.
 */
import * as Y from 'yjs';
import { type ActivityRef, activityRef } from '../activity';
import { compareByOrder, type Ordered } from '../order';
import {
  type BoardRoots,
  childMap,
  isTrashed,
  PLACEHOLDER_ORDER,
  readPos,
  stringField,
  UNPLACED_COLUMN_ID,
} from '../schema';
import { BoardInputError } from './common';

/**
 * The "unplaced" placeholder only gathers cards whose position is unreadable (mid-sync, a move's new
 * position can arrive after the old one's deletion); putting a card there would strand it for good.
 */
export function checkTargetColumn(columnId: string): void {
  if (columnId === '' || columnId === UNPLACED_COLUMN_ID) {
    throw new BoardInputError(`cannot put a card in column ${JSON.stringify(columnId)}`);
  }
}

/** A column named in an activity entry: its id and its title now ('' if this replica does not have it). */
export function columnRef(r: BoardRoots, columnId: string): ActivityRef {
  const column = childMap(r.columns as Y.Map<unknown>, columnId);
  return activityRef(columnId, column ? stringField(column, 'title') : '');
}

/** Whether a column exists here and is not deleted: a card can be put in it. */
export function isLiveColumn(r: BoardRoots, columnId: string): boolean {
  const column = childMap(r.columns as Y.Map<unknown>, columnId);
  return column !== null && column.get('deleted') !== true;
}

/** Where cards with an unreadable position are shown (as in read.ts): the first live column by order. */
export function fallbackColumnId(r: BoardRoots): string {
  let first: Ordered | null = null;
  r.columns.forEach((column, id) => {
    if (!(column instanceof Y.Map) || column.get('deleted') === true) return;
    const order = column.get('order');
    const candidate = { id, order: typeof order === 'string' ? order : '' };
    if (!first || compareByOrder(candidate, first) < 0) first = candidate;
  });
  return (first as Ordered | null)?.id ?? UNPLACED_COLUMN_ID;
}

/** Whether a stored card is shown on the board (in a column): not archived, not in the trash. */
function isShownCard(card: unknown): card is Y.Map<unknown> {
  return card instanceof Y.Map && card.get('archived') !== true && !isTrashed(card);
}

/**
 * The non-archived cards shown in `columnId`, sorted, without `excludeId`: the same list readBoard gives
 * for that column.
 */
export function columnCards(r: BoardRoots, columnId: string, excludeId: string | null): Ordered[] {
  const fallback = fallbackColumnId(r);
  const result: Ordered[] = [];
  r.cards.forEach((card, id) => {
    if (id === excludeId || !isShownCard(card)) return;
    const pos = readPos(card.get('pos'));
    if ((pos?.column ?? fallback) === columnId) result.push({ id, order: pos?.order ?? '' });
  });
  return result.sort(compareByOrder);
}

/** The columns readBoard shows, sorted: live ones, deleted ones still holding cards, placeholders. */
export function shownColumns(r: BoardRoots): Ordered[] {
  const holding = new Set<string>();
  const fallback = fallbackColumnId(r);
  r.cards.forEach((card) => {
    if (!isShownCard(card)) return;
    holding.add(readPos(card.get('pos'))?.column ?? fallback);
  });
  const result: Ordered[] = [];
  r.columns.forEach((column, id) => {
    if (!(column instanceof Y.Map)) return;
    if (column.get('deleted') === true && !holding.has(id)) return;
    const order = column.get('order');
    result.push({ id, order: typeof order === 'string' ? order : '' });
  });
  for (const id of holding) {
    if (!(r.columns.get(id) instanceof Y.Map)) result.push({ id, order: PLACEHOLDER_ORDER });
  }
  return result.sort(compareByOrder);
}
