/**
 * The board's trash (rules B15.1–B15.5 in SPEC.md): restoring deleted cards, purging cards and columns by
 * hand or once they have been in the trash longer than the board's retention period. Deleting is in
 * cards.ts and columns.ts (restoring a column too: it is the same as making a resurrected column live).
 *
 * A card in the trash keeps its id, position and fields, with `trashed: { by, at, column? }`; restoring
 * removes that one key, so two restores at once, or a restore and an edit, leave one card (B15.3). A purge
 * deletes the card's map, records its id in `purged` (the server deletes its description document when it
 * stores that) and runs under an origin of its own: the board's undo manager never brings purged content
 * back into a document whose description is gone.
 */
import * as Y from 'yjs';
import { defaultClock, defaultRandom } from '../ids';
import { orderKeyAt } from '../order';
import {
  type BoardRoots,
  childMap,
  isTrashed,
  MAX_TRASH_RETENTION_DAYS,
  ROOT,
  readPos,
  readRetention,
  readTrashRecord,
  roots,
  type StoredPos,
  TRASH_RETENTION_KEY,
  TRASHED_KEY,
  UNPLACED_COLUMN_ID,
} from '../schema';
import { cardRef } from './cards';
import { BoardInputError, type MutationOptions, note, run } from './common';
import { columnCards, columnRef, fallbackColumnId, isLiveColumn } from './placement';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A purge by hand: a person's change, but never undone (its description document is deleted). */
const PURGE_ORIGIN = 'trellis:trash-purge';
/** Expiry after the retention period: made on nobody's behalf in particular, never undone. */
const EXPIRY_ORIGIN = 'trellis:trash-expiry';

/** Whether a transaction is the trash's own upkeep (expiry): nobody's change. */
export function isTrashUpkeep(origin: unknown): boolean {
  return origin === EXPIRY_ORIGIN;
}

/** The board's retention period in days (B15.4): its setting, or the default. */
export function trashRetentionDays(doc: Y.Doc): number {
  return readRetention(roots(doc).meta.get(TRASH_RETENTION_KEY));
}

/** Sets how many days deleted things stay in the trash before they are purged. */
export function setTrashRetention(doc: Y.Doc, days: number, opts?: MutationOptions): boolean {
  if (!Number.isInteger(days) || days < 1 || days > MAX_TRASH_RETENTION_DAYS) {
    throw new BoardInputError(
      `retention must be a whole number of days from 1 to ${MAX_TRASH_RETENTION_DAYS}`,
    );
  }
  return run(doc, opts, (r) => {
    if (r.meta.get(TRASH_RETENTION_KEY) === days) return false;
    r.meta.set(TRASH_RETENTION_KEY, days);
    note(doc, opts, { kind: 'board.retention', days });
    return true;
  });
}

/**
 * Brings a card back from the trash (B15.2). Its position was kept, so it returns to its column between the
 * neighbours that still surround its order key. If that column is not live here (deleted, or unknown), it
 * goes to the end of the first live column; with no live column it stays in its own, which is then shown
 * resurrected (B6). One transaction: one undo step. False if the card is not in the trash.
 */
export function restoreCard(doc: Y.Doc, cardId: string, opts?: MutationOptions): boolean {
  const random = opts?.random ?? defaultRandom;
  return run(doc, opts, (r) => {
    const card = childMap(r.cards as Y.Map<unknown>, cardId);
    if (!card || !isTrashed(card)) return false;
    card.delete(TRASHED_KEY);
    const pos = readPos(card.get('pos'));
    let columnId = pos?.column ?? fallbackColumnId(r);
    if (!pos || !isLiveColumn(r, pos.column)) {
      const first = fallbackColumnId(r);
      if (first !== UNPLACED_COLUMN_ID) {
        const siblings = columnCards(r, first, cardId);
        const moved: StoredPos = { column: first, order: orderKeyAt(siblings, siblings.length, random) };
        card.set('pos', moved);
        columnId = first;
      }
    }
    note(doc, opts, { kind: 'card.restored', card: cardRef(card, cardId), column: columnRef(r, columnId) });
    return true;
  });
}

/** Purges a card in the trash (B15.4): its content leaves the board document. False if it is not in the trash. */
export function purgeCard(doc: Y.Doc, cardId: string, opts?: MutationOptions): boolean {
  const clock = opts?.clock ?? defaultClock;
  return run(doc, { ...opts, origin: PURGE_ORIGIN }, (r) => {
    const card = childMap(r.cards as Y.Map<unknown>, cardId);
    if (!card || !isTrashed(card)) return false;
    note(doc, opts, { kind: 'card.purged', card: cardRef(card, cardId), auto: false });
    removeCard(r, cardId, clock());
    return true;
  });
}

/**
 * Purges a column in the trash with the cards deleted with it (B15.4). Its tombstone stays (B6 still shows
 * a card moved into it concurrently). Returns the purged card ids, or null if the column is not in the trash.
 */
export function purgeColumn(doc: Y.Doc, columnId: string, opts?: MutationOptions): string[] | null {
  const clock = opts?.clock ?? defaultClock;
  return run(doc, { ...opts, origin: PURGE_ORIGIN }, (r) => {
    const column = childMap(r.columns as Y.Map<unknown>, columnId);
    if (!column || !isTrashed(column)) return null;
    note(doc, opts, { kind: 'column.purged', column: columnRef(r, columnId), auto: false });
    return removeColumn(r, columnId, column, clock());
  });
}

export interface ExpiredResult {
  /** Cards purged, alone or with their column. */
  cardIds: string[];
  columnIds: string[];
}

/**
 * Purges what has been in the trash for the retention period or longer (B15.4): columns with their cards,
 * and cards deleted on their own. Every writing replica may run it (the app does when a board opens and
 * hourly); replicas expiring the same item at once record one entry (fixed id `expired-<id>`, B14.2).
 */
export function purgeExpired(doc: Y.Doc, opts?: MutationOptions): ExpiredResult {
  const now = (opts?.clock ?? defaultClock)();
  const cutoff = now - trashRetentionDays(doc) * DAY_MS;
  const result: ExpiredResult = { cardIds: [], columnIds: [] };
  const r = roots(doc);
  const columns: string[] = [];
  const cards: string[] = [];
  const trashedColumns = new Set<string>();
  r.columns.forEach((column, id) => {
    const record = column instanceof Y.Map ? readTrashRecord(column.get(TRASHED_KEY)) : null;
    if (!record) return;
    trashedColumns.add(id);
    if (record.at <= cutoff) columns.push(id);
  });
  r.cards.forEach((card, id) => {
    const record = card instanceof Y.Map ? readTrashRecord(card.get(TRASHED_KEY)) : null;
    // A card deleted with a column still in the trash goes when the column goes.
    if (!record || (record.column !== null && trashedColumns.has(record.column))) return;
    if (record.at <= cutoff) cards.push(id);
  });
  if (columns.length === 0 && cards.length === 0) return result;
  run(doc, { ...opts, origin: EXPIRY_ORIGIN }, (r) => {
    for (const id of columns.sort()) {
      const column = childMap(r.columns as Y.Map<unknown>, id);
      if (!column) continue;
      note(doc, opts, { kind: 'column.purged', column: columnRef(r, id), auto: true }, `expired-${id}`);
      result.cardIds.push(...removeColumn(r, id, column, now));
      result.columnIds.push(id);
    }
    for (const id of cards.sort()) {
      const card = childMap(r.cards as Y.Map<unknown>, id);
      if (!card) continue;
      note(doc, opts, { kind: 'card.purged', card: cardRef(card, id), auto: true }, `expired-${id}`);
      removeCard(r, id, now);
      result.cardIds.push(id);
    }
  });
  return result;
}

function removeCard(r: BoardRoots, cardId: string, at: number): void {
  r.cards.delete(cardId);
  r.purged.set(cardId, at);
}

function removeColumn(r: BoardRoots, columnId: string, column: Y.Map<unknown>, at: number): string[] {
  const cardIds: string[] = [];
  r.cards.forEach((card, id) => {
    if (card instanceof Y.Map && readTrashRecord(card.get(TRASHED_KEY))?.column === columnId)
      cardIds.push(id);
  });
  for (const id of cardIds) removeCard(r, id, at);
  column.delete(TRASHED_KEY);
  return cardIds;
}

/** Every card id purged from this board (B15.5), for whoever deletes their description documents. */
export function purgedCardIds(doc: Y.Doc): string[] {
  return [...roots(doc).purged.keys()].sort();
}

/**
 * The card ids a board update records as purged (B15.5): what the server acts on when it stores the update,
 * read from the update alone (no document needed). A purge record is a new key of the root map `purged`.
 */
export function purgedCardIdsInUpdate(update: Uint8Array): string[] {
  const ids = new Set<string>();
  for (const struct of Y.decodeUpdate(update).structs) {
    // A decoded item names a root type by its name (the typings only know a live item's parent).
    const parent: unknown = struct instanceof Y.Item ? struct.parent : null;
    if (struct instanceof Y.Item && parent === ROOT.purged && typeof struct.parentSub === 'string') {
      ids.add(struct.parentSub);
    }
  }
  return [...ids].sort();
}
