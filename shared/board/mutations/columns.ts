/** Columns: add, rename, move, delete (tombstoned, see read.ts on resurrected columns) and restore. */
import * as Y from 'yjs';
import { defaultRandom, newId } from '../ids';
import { orderKeyAt } from '../order';
import { childMap, readPos } from '../schema';
import { clampIndex, cleanText, type MutationOptions, newMap, run, setIfChanged } from './common';
import { shownColumns } from './placement';

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
    return id;
  });
}

export function renameColumn(doc: Y.Doc, columnId: string, title: string, opts?: MutationOptions): boolean {
  const clean = cleanText(title, MAX_COLUMN_TITLE_LENGTH, 'column title');
  return run(doc, opts, (r) => {
    const column = childMap(r.columns as Y.Map<unknown>, columnId);
    return column ? setIfChanged(column, 'title', clean) : false;
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
    return true;
  });
}

export interface DeleteColumnResult {
  /** The cards deleted with the column (those it held here at the time, archived ones included). */
  deletedCardIds: string[];
}

/**
 * Deletes a column and the cards in it. The column is kept as a tombstone so that a card moved into it
 * concurrently is still shown there (it is "resurrected"; see read.ts). Returns null if there is no such
 * column.
 */
export function deleteColumn(
  doc: Y.Doc,
  columnId: string,
  opts?: MutationOptions,
): DeleteColumnResult | null {
  return run(doc, opts, (r) => {
    const column = childMap(r.columns as Y.Map<unknown>, columnId);
    if (!column) return null;
    const deletedCardIds: string[] = [];
    r.cards.forEach((card, cardId) => {
      if (card instanceof Y.Map && readPos(card.get('pos'))?.column === columnId) deletedCardIds.push(cardId);
    });
    for (const cardId of deletedCardIds) r.cards.delete(cardId);
    column.set('deleted', true);
    return { deletedCardIds };
  });
}

/** Makes a deleted (e.g. resurrected) column live again. */
export function restoreColumn(doc: Y.Doc, columnId: string, opts?: MutationOptions): boolean {
  return run(doc, opts, (r) => {
    const column = childMap(r.columns as Y.Map<unknown>, columnId);
    if (!column) return false;
    if (column.get('deleted') !== true) return false;
    column.delete('deleted');
    return true;
  });
}
