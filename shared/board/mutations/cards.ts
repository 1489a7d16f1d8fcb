/** Cards: add, edit fields (labels and assignees as sets), move, delete. */
import type * as Y from 'yjs';
import { isValidId } from '../../room-names';
import { defaultClock, defaultRandom, newId } from '../ids';
import { compareByOrder, orderKeyAt } from '../order';
import { isIsoDate } from '../read';
import { ASSIGNEE_KEY_PREFIX, childMap, LABEL_KEY_PREFIX, readPos, type StoredPos } from '../schema';
import {
  BoardInputError,
  clampIndex,
  cleanText,
  type MutationOptions,
  newMap,
  run,
  setIfChanged,
} from './common';
import { checkTargetColumn, columnCards } from './placement';

export const MAX_CARD_TITLE_LENGTH = 500;

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
