/**
 * Columns: add, rename, move, delete (to the trash with their cards; tombstoned, see read.ts on resurrected
 * columns) and restore. Each change records its activity entry in its transaction (B14.1).
 */
import * as Y from 'yjs';
import { ACTIVITY_TITLE_MAX, activityRef } from '../activity';
import { defaultClock, defaultRandom, newId } from '../ids';
import { orderKeyAt } from '../order';
import { childMap, isTrashed, readPos, readTrashRecord, stringField, TRASHED_KEY } from '../schema';
import { clampIndex, cleanText, type MutationOptions, newMap, note, run, setIfChanged } from './common';
import { columnRef, shownColumns } from './placement';

export const MAX_COLUMN_TITLE_LENGTH = 200;

export interface AddColumnInput {
  title: string;
  /** Position among the shown columns; default last. */
  index?: number;
}

/** Adds a column; returns its id. */
export function addColumn(doc: Y.Doc, input: AddColumnInput, opts?: MutationOptions): string {
  const title = cleanText(input.title, MAX_COLUMN_TITLE_LENGTH, 'column title');
  const random = opts?.random ?? defaultRandom;
  return run(doc, opts, (r) => {
    const siblings = shownColumns(r);
    const id = newId(random);
    const order = orderKeyAt(siblings, input.index ?? siblings.length, random);
    r.columns.set(id, newMap({ title, order }));
    note(doc, opts, { kind: 'column.added', column: activityRef(id, title) });
    return id;
  });
}

export function renameColumn(doc: Y.Doc, columnId: string, title: string, opts?: MutationOptions): boolean {
  const clean = cleanText(title, MAX_COLUMN_TITLE_LENGTH, 'column title');
  return run(doc, opts, (r) => {
    const column = childMap(r.columns as Y.Map<unknown>, columnId);
    if (!column) return false;
    const from = stringField(column, 'title');
    if (!setIfChanged(column, 'title', clean)) return false;
    note(doc, opts, {
      kind: 'column.renamed',
      column: activityRef(columnId, clean),
      from: from.slice(0, ACTIVITY_TITLE_MAX),
    });
    return true;
  });
}

/** Moves a column to `index` among the shown columns (counted without the column itself). */
export function moveColumn(doc: Y.Doc, columnId: string, index: number, opts?: MutationOptions): boolean {
  const random = opts?.random ?? defaultRandom;
  return run(doc, opts, (r) => {
    const column = childMap(r.columns as Y.Map<unknown>, columnId);
    if (!column) return false;
    const all = shownColumns(r);
    const current = all.findIndex((c) => c.id === columnId);
    const siblings = all.filter((c) => c.id !== columnId);
    if (current === clampIndex(index, siblings.length)) return false;
    column.set('order', orderKeyAt(siblings, index, random));
    note(doc, opts, { kind: 'column.moved', column: columnRef(r, columnId) });
    return true;
  });
}

export interface DeleteColumnResult {
  /** The cards moved to the trash with the column (those it held here at the time, archived ones included). */
  deletedCardIds: string[];
}

/**
 * Moves a column to the trash with the cards in it (B15.1): the cards are marked as deleted with the column,
 * so restoring it brings them back. The column is kept as a tombstone so that a card moved into it
 * concurrently is still shown there (it is "resurrected"; see read.ts). Returns null if there is no such
 * column, or it is deleted already and holds no card to delete.
 */
export function deleteColumn(
  doc: Y.Doc,
  columnId: string,
  opts?: MutationOptions,
): DeleteColumnResult | null {
  const clock = opts?.clock ?? defaultClock;
  return run(doc, opts, (r) => {
    const column = childMap(r.columns as Y.Map<unknown>, columnId);
    if (!column) return null;
    const deletedCardIds: string[] = [];
    r.cards.forEach((card, cardId) => {
      if (card instanceof Y.Map && !isTrashed(card) && readPos(card.get('pos'))?.column === columnId)
        deletedCardIds.push(cardId);
    });
    if (column.get('deleted') === true && deletedCardIds.length === 0) return null;
    const by = opts?.actor ?? '';
    const at = clock();
    for (const cardId of deletedCardIds) {
      r.cards.get(cardId)?.set(TRASHED_KEY, { by, at, column: columnId });
    }
    column.set('deleted', true);
    column.set(TRASHED_KEY, { by, at });
    note(doc, opts, { kind: 'column.deleted', column: columnRef(r, columnId), cards: deletedCardIds.length });
    return { deletedCardIds };
  });
}

/**
 * Makes a deleted (in the trash, or resurrected) column live again, with the cards deleted with it (B15.2):
 * their positions were kept, so they come back in their order. One transaction: one undo step.
 */
export function restoreColumn(doc: Y.Doc, columnId: string, opts?: MutationOptions): boolean {
  return run(doc, opts, (r) => {
    const column = childMap(r.columns as Y.Map<unknown>, columnId);
    if (!column) return false;
    if (column.get('deleted') !== true && !column.has(TRASHED_KEY)) return false;
    column.delete('deleted');
    column.delete(TRASHED_KEY);
    let cards = 0;
    r.cards.forEach((card) => {
      if (card instanceof Y.Map && readTrashRecord(card.get(TRASHED_KEY))?.column === columnId) {
        card.delete(TRASHED_KEY);
        cards++;
      }
    });
    note(doc, opts, { kind: 'column.restored', column: columnRef(r, columnId), cards });
    return true;
  });
}
