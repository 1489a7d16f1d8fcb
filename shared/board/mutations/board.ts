/** The board itself: creating it once, renaming it. */
import type * as Y from 'yjs';
import { ACTIVITY_TITLE_MAX } from '../activity';
import { defaultClock } from '../ids';
import { initialKeys } from '../order';
import { roots, SCHEMA_VERSION } from '../schema';
import { MAX_COLUMN_TITLE_LENGTH } from './columns';
import { cleanText, type MutationOptions, newMap, note, run, setIfChanged } from './common';

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
    // One entry however many replicas initialise at once (B8, B14.2).
    note(
      doc,
      { ...opts, actor: opts?.actor ?? input.createdBy },
      { kind: 'board.created', title: title.slice(0, ACTIVITY_TITLE_MAX) },
      BOARD_CREATED_ENTRY_ID,
    );
    return true;
  });
}

/** The fixed id of the board's "created" entry (B14.2). */
export const BOARD_CREATED_ENTRY_ID = 'board-created';

export function renameBoard(doc: Y.Doc, title: string, opts?: MutationOptions): boolean {
  const clean = cleanText(title, MAX_BOARD_TITLE_LENGTH, 'board title');
  return run(doc, opts, (r) => {
    const from = r.meta.get('title');
    if (!setIfChanged(r.meta, 'title', clean)) return false;
    note(doc, opts, {
      kind: 'board.renamed',
      from: (typeof from === 'string' ? from : '').slice(0, ACTIVITY_TITLE_MAX),
      to: clean.slice(0, ACTIVITY_TITLE_MAX),
    });
    return true;
  });
}
