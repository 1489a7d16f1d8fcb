/**
 * Intent functions: every change to a board goes through one of these. Each runs in exactly one
 * `doc.transact(fn, origin)`, so a Yjs UndoManager tracking the local origin undoes it as one step and
 * never touches someone else's edit. Functions that act on an existing thing return false (and change
 * nothing) when it is gone, which is normal when a peer deleted it a moment ago.
 */
import * as Y from 'yjs';
import { isValidId } from '../room-names';
import { type Clock, defaultClock, defaultRandom, newId, type Random } from './ids';
import { compareByOrder, initialKeys, type Ordered, orderKeyAt } from './order';
import { isIsoDate } from './read';
import {
  ASSIGNEE_KEY_PREFIX,
  type BoardRoots,
  childMap,
  LABEL_KEY_PREFIX,
  PLACEHOLDER_ORDER,
  readMember,
  readPos,
  roots,
  SCHEMA_VERSION,
  type StoredMember,
  type StoredPos,
  UNPLACED_COLUMN_ID,
} from './schema';

export interface MutationOptions {
  /** The transaction origin. Pass the origin your UndoManager tracks (see createBoardUndoManager). */
  origin?: unknown;
  /** Source of randomness for ids and order keys (default Math.random). */
  random?: Random;
  /** Source of time (default Date.now). */
  clock?: Clock;
}

export class BoardInputError extends Error {
  override name = 'BoardInputError';
}

export const MAX_BOARD_TITLE_LENGTH = 200;
export const MAX_COLUMN_TITLE_LENGTH = 200;
export const MAX_CARD_TITLE_LENGTH = 500;
export const MAX_LABEL_NAME_LENGTH = 50;
export const DEFAULT_COLUMN_TITLES: readonly string[] = ['To do', 'Doing', 'Done'];
/** A member's `lastSeen` is rewritten at most this often, so opening a board does not grow its history. */
export const MEMBER_SEEN_RESOLUTION_MS = 60 * 60 * 1000;

/** Deterministic ids for the columns `initBoard` creates (see there). */
export function defaultColumnId(index: number): string {
  return `default-${index}`;
}

function run<T>(doc: Y.Doc, opts: MutationOptions | undefined, fn: (r: BoardRoots) => T): T {
  let result!: T;
  doc.transact(() => {
    result = fn(roots(doc));
  }, opts?.origin ?? null);
  return result;
}

// ---- board ---------------------------------------------------------------------------------------------

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

// ---- columns -------------------------------------------------------------------------------------------

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

// ---- cards ---------------------------------------------------------------------------------------------

export interface AddCardInput {
  columnId: string;
  title: string;
  /** Member id of the author. */
  createdBy: string;
  /** Position among the column's non-archived cards; default last. */
  index?: number;
}

/** Adds a card; returns its id (also the key of its description document: `descriptionRoom(boardId, id)`). */
export function addCard(doc: Y.Doc, input: AddCardInput, opts?: MutationOptions): string {
  const title = cleanText(input.title, MAX_CARD_TITLE_LENGTH, 'card title');
  checkTargetColumn(input.columnId);
  const random = opts?.random ?? defaultRandom;
  const clock = opts?.clock ?? defaultClock;
  return run(doc, opts, (r) => {
    const siblings = columnCards(r, input.columnId, null);
    const id = newId(random);
    const pos: StoredPos = {
      column: input.columnId,
      order: orderKeyAt(siblings, input.index ?? siblings.length, random),
    };
    r.cards.set(
      id,
      newMap({ pos, title, due: null, archived: false, createdBy: input.createdBy, createdAt: clock() }),
    );
    return id;
  });
}

export interface CardPatch {
  title?: string;
  /** The complete new set of label ids; only the difference is written, so concurrent toggles merge. */
  labels?: readonly string[];
  /** The complete new set of member ids; written as a difference, like labels. */
  assignees?: readonly string[];
  /** `YYYY-MM-DD`, or null to clear. */
  due?: string | null;
  archived?: boolean;
}

/** Changes some fields of a card. Returns whether anything changed. */
export function updateCard(doc: Y.Doc, cardId: string, patch: CardPatch, opts?: MutationOptions): boolean {
  const title =
    patch.title === undefined ? undefined : cleanText(patch.title, MAX_CARD_TITLE_LENGTH, 'card title');
  if (patch.due !== undefined && patch.due !== null && !isIsoDate(patch.due)) {
    throw new BoardInputError(`due date must be YYYY-MM-DD, got ${JSON.stringify(patch.due)}`);
  }
  for (const id of [...(patch.labels ?? []), ...(patch.assignees ?? [])]) {
    if (!isValidId(id)) throw new BoardInputError(`invalid label or member id ${JSON.stringify(id)}`);
  }
  return run(doc, opts, (r) => {
    const card = childMap(r.cards as Y.Map<unknown>, cardId);
    if (!card) return false;
    let changed = false;
    if (title !== undefined) changed = setIfChanged(card, 'title', title) || changed;
    if (patch.due !== undefined) changed = setIfChanged(card, 'due', patch.due) || changed;
    if (patch.archived !== undefined) changed = setIfChanged(card, 'archived', patch.archived) || changed;
    if (patch.labels) changed = writeSet(card, LABEL_KEY_PREFIX, patch.labels) || changed;
    if (patch.assignees) changed = writeSet(card, ASSIGNEE_KEY_PREFIX, patch.assignees) || changed;
    return changed;
  });
}

export interface CardTarget {
  columnId: string;
  /** Position among the target column's non-archived cards, counted without the moved card. */
  index: number;
}

/**
 * Moves a card: rewrites its position (column and order as one value), never deletes and re-inserts it, so
 * concurrent moves resolve to exactly one place and concurrent edits of the card survive the move.
 */
export function moveCard(doc: Y.Doc, cardId: string, target: CardTarget, opts?: MutationOptions): boolean {
  checkTargetColumn(target.columnId);
  const random = opts?.random ?? defaultRandom;
  return run(doc, opts, (r) => {
    const card = childMap(r.cards as Y.Map<unknown>, cardId);
    if (!card) return false;
    const current = readPos(card.get('pos'));
    const siblings = columnCards(r, target.columnId, cardId);
    const index = clampIndex(target.index, siblings.length);
    if (current && current.column === target.columnId && card.get('archived') !== true) {
      const currentIndex = siblings.filter(
        (s) => compareByOrder(s, { id: cardId, order: current.order }) < 0,
      ).length;
      if (currentIndex === index) return false;
    }
    const pos: StoredPos = { column: target.columnId, order: orderKeyAt(siblings, index, random) };
    card.set('pos', pos);
    return true;
  });
}

export function deleteCard(doc: Y.Doc, cardId: string, opts?: MutationOptions): boolean {
  return run(doc, opts, (r) => {
    if (!r.cards.has(cardId)) return false;
    r.cards.delete(cardId);
    return true;
  });
}

// ---- labels --------------------------------------------------------------------------------------------

/** Colours offered for labels (any `#rrggbb` is accepted). */
export const LABEL_COLORS: readonly string[] = [
  '#e03131',
  '#f08c00',
  '#f5c400',
  '#2f9e44',
  '#1c7ed6',
  '#7048e8',
  '#c2255c',
  '#868e96',
];

export interface LabelInput {
  name: string;
  color: string;
}

/** Adds a label; returns its id. */
export function addLabel(doc: Y.Doc, input: LabelInput, opts?: MutationOptions): string {
  const name = cleanText(input.name, MAX_LABEL_NAME_LENGTH, 'label name');
  const color = cleanColor(input.color);
  const random = opts?.random ?? defaultRandom;
  return run(doc, opts, (r) => {
    const id = newId(random);
    r.labels.set(id, newMap({ name, color }));
    return id;
  });
}

export function updateLabel(
  doc: Y.Doc,
  labelId: string,
  patch: Partial<LabelInput>,
  opts?: MutationOptions,
): boolean {
  const name =
    patch.name === undefined ? undefined : cleanText(patch.name, MAX_LABEL_NAME_LENGTH, 'label name');
  const color = patch.color === undefined ? undefined : cleanColor(patch.color);
  return run(doc, opts, (r) => {
    const label = childMap(r.labels as Y.Map<unknown>, labelId);
    if (!label) return false;
    let changed = false;
    if (name !== undefined) changed = setIfChanged(label, 'name', name) || changed;
    if (color !== undefined) changed = setIfChanged(label, 'color', color) || changed;
    return changed;
  });
}

/** Deletes a label and takes it off every card (a card labelled concurrently just stops showing it). */
export function deleteLabel(doc: Y.Doc, labelId: string, opts?: MutationOptions): boolean {
  return run(doc, opts, (r) => {
    if (!r.labels.has(labelId)) return false;
    r.labels.delete(labelId);
    const key = LABEL_KEY_PREFIX + labelId;
    r.cards.forEach((card) => {
      if (card instanceof Y.Map && card.has(key)) card.delete(key);
    });
    return true;
  });
}

// ---- members -------------------------------------------------------------------------------------------

export interface MemberInput {
  id: string;
  name: string;
  color: string;
}

/**
 * Records that a participant opened the board (name, colour, last seen), so they can be assigned to cards.
 * Writes only when the name or colour changed or `lastSeen` is older than MEMBER_SEEN_RESOLUTION_MS.
 * Not tracked by the board's undo manager (see createBoardUndoManager).
 */
export function noteMember(doc: Y.Doc, member: MemberInput, opts?: MutationOptions): boolean {
  if (!isValidId(member.id)) throw new BoardInputError(`invalid member id ${JSON.stringify(member.id)}`);
  const clock = opts?.clock ?? defaultClock;
  const now = clock();
  return run(doc, opts, (r) => {
    const existing = readMember(r.members.get(member.id));
    if (
      existing &&
      existing.name === member.name &&
      existing.color === member.color &&
      now - existing.lastSeen < MEMBER_SEEN_RESOLUTION_MS
    ) {
      return false;
    }
    const stored: StoredMember = { id: member.id, name: member.name, color: member.color, lastSeen: now };
    r.members.set(member.id, stored);
    return true;
  });
}

// ---- helpers -------------------------------------------------------------------------------------------

function newMap(fields: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) map.set(key, value);
  return map;
}

function setIfChanged(map: Y.Map<unknown>, key: string, value: string | number | boolean | null): boolean {
  if (map.has(key) && map.get(key) === value) return false;
  map.set(key, value);
  return true;
}

/** Writes a set as one `prefix + id` key per member, touching only the keys that change. */
function writeSet(card: Y.Map<unknown>, prefix: string, ids: readonly string[]): boolean {
  const wanted = new Set(ids.map((id) => prefix + id));
  let changed = false;
  for (const key of [...card.keys()]) {
    if (key.startsWith(prefix) && !wanted.has(key)) {
      card.delete(key);
      changed = true;
    }
  }
  for (const key of wanted) {
    if (card.get(key) !== true) {
      card.set(key, true);
      changed = true;
    }
  }
  return changed;
}

/**
 * The "unplaced" placeholder only gathers cards whose position is unreadable (mid-sync, a move's new
 * position can arrive after the old one's deletion); putting a card there would strand it for good.
 */
function checkTargetColumn(columnId: string): void {
  if (columnId === '' || columnId === UNPLACED_COLUMN_ID) {
    throw new BoardInputError(`cannot put a card in column ${JSON.stringify(columnId)}`);
  }
}

function clampIndex(index: number, length: number): number {
  return Math.max(0, Math.min(Number.isFinite(index) ? Math.trunc(index) : length, length));
}

function cleanText(text: string, max: number, what: string): string {
  const clean = text.trim();
  if (clean === '') throw new BoardInputError(`${what} must not be empty`);
  if (clean.length > max) throw new BoardInputError(`${what} is longer than ${max} characters`);
  return clean;
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

function cleanColor(color: string): string {
  if (!HEX_COLOR.test(color))
    throw new BoardInputError(`colour must be #rrggbb, got ${JSON.stringify(color)}`);
  return color.toLowerCase();
}

/** Where cards with an unreadable position are shown (as in read.ts): the first live column by order. */
function fallbackColumnId(r: BoardRoots): string {
  let first: Ordered | null = null;
  r.columns.forEach((column, id) => {
    if (!(column instanceof Y.Map) || column.get('deleted') === true) return;
    const order = column.get('order');
    const candidate = { id, order: typeof order === 'string' ? order : '' };
    if (!first || compareByOrder(candidate, first) < 0) first = candidate;
  });
  return (first as Ordered | null)?.id ?? UNPLACED_COLUMN_ID;
}

/**
 * The non-archived cards shown in `columnId`, sorted, without `excludeId`: the same list readBoard gives
 * for that column, computed without reading whole cards (moves and adds stay cheap on big boards).
 */
function columnCards(r: BoardRoots, columnId: string, excludeId: string | null): Ordered[] {
  const fallback = fallbackColumnId(r);
  const result: Ordered[] = [];
  r.cards.forEach((card, id) => {
    if (id === excludeId || !(card instanceof Y.Map) || card.get('archived') === true) return;
    const pos = readPos(card.get('pos'));
    if ((pos?.column ?? fallback) === columnId) result.push({ id, order: pos?.order ?? '' });
  });
  return result.sort(compareByOrder);
}

/** The columns readBoard shows, sorted: live ones, deleted ones still holding cards, placeholders. */
function shownColumns(r: BoardRoots): Ordered[] {
  const holding = new Set<string>();
  const fallback = fallbackColumnId(r);
  r.cards.forEach((card) => {
    if (!(card instanceof Y.Map) || card.get('archived') === true) return;
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
