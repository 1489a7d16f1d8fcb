/** The board itself: creating it once, renaming it. */
import type * as Y from 'yjs';
import { defaultClock } from '../ids';
import { initialKeys } from '../order';
import { roots, SCHEMA_VERSION } from '../schema';
import { MAX_COLUMN_TITLE_LENGTH } from './columns';
import { cleanText, type MutationOptions, newMap, run, setIfChanged } from './common';

export const MAX_BOARD_TITLE_LENGTH = 200;
export const DEFAULT_COLUMN_TITLES: readonly string[] = ['To do', 'Doing', 'Done'];

/** Deterministic ids for the columns `initBoard` creates (see there). */
export function defaultColumnId(index: number): string {
  return `default-${index}`;
}

export function isBoardInitialised(doc: Y.Doc): boolean {
  return roots(doc).meta.has('schema');
}

export interface InitBoardInput {
  title: string;
  /** Member id of the creator. */
  createdBy: string;
  /** Default columns; pass [] for none. */
  columnTitles?: readonly string[];
}

/**
 * Sets up a new board: title, creator and default columns. Call it once, from the replica that created the
 * board, after its local copy has loaded; it does nothing (returns false) if this replica already sees an
 * initialised board. Should two replicas still initialise the same empty board concurrently, nothing is
 * duplicated: the default columns have deterministic ids and keys, so both write the same entries and
 * last-writer-wins keeps one of each.
 */
export function initBoard(doc: Y.Doc, input: InitBoardInput, opts?: MutationOptions): boolean {
  const title = cleanText(input.title, MAX_BOARD_TITLE_LENGTH, 'board title');
  const columnTitles = (input.columnTitles ?? DEFAULT_COLUMN_TITLES).map((t) =>
    cleanText(t, MAX_COLUMN_TITLE_LENGTH, 'column title'),
  );
  const clock = opts?.clock ?? defaultClock;
  if (isBoardInitialised(doc)) return false;
  return run(doc, opts, (r) => {
    r.meta.set('schema', SCHEMA_VERSION);
    r.meta.set('title', title);
    r.meta.set('createdBy', input.createdBy);
    r.meta.set('createdAt', clock());
    const keys = initialKeys(columnTitles.length);
    columnTitles.forEach((columnTitle, i) => {
      const id = defaultColumnId(i);
      if (r.columns.has(id)) return;
      r.columns.set(id, newMap({ title: columnTitle, order: keys[i]! }));
    });
    return true;
  });
}

export function renameBoard(doc: Y.Doc, title: string, opts?: MutationOptions): boolean {
  const clean = cleanText(title, MAX_BOARD_TITLE_LENGTH, 'board title');
  return run(doc, opts, (r) => setIfChanged(r.meta, 'title', clean));
}
