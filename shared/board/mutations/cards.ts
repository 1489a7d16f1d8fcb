/**
 * Cards: add, edit fields (labels and assignees as sets), move, delete (to the trash: restore and purge are
 * in trash.ts). Each change records its activity entry in its transaction (B14.1).
 */
import type * as Y from 'yjs';
import { isValidId } from '../../room-names';
import { ACTIVITY_TITLE_MAX, type ActivityRef, activityRef } from '../activity';
import { defaultClock, defaultRandom, newId } from '../ids';
import { compareByOrder, orderKeyAt } from '../order';
import { isIsoDate } from '../read';
import {
  ASSIGNEE_KEY_PREFIX,
  type BoardRoots,
  childMap,
  LABEL_KEY_PREFIX,
  liveCard,
  readPos,
  type StoredPos,
  stringField,
  TRASHED_KEY,
} from '../schema';
import {
  BoardInputError,
  clampIndex,
  cleanText,
  type MutationOptions,
  newMap,
  note,
  run,
  setIfChanged,
} from './common';
import { checkTargetColumn, columnCards, columnRef } from './placement';

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
    note(
      doc,
      { ...opts, actor: opts?.actor ?? input.createdBy },
      {
        kind: 'card.added',
        card: activityRef(id, title),
        column: columnRef(r, input.columnId),
      },
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

/**
 * Changes some fields of a card (not one in the trash). Returns whether anything changed. Each changed field
 * records its own entry: renamed, due date, archived or unarchived, labels, assignees.
 */
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
    const card = liveCard(r, cardId);
    if (!card) return false;
    let changed = false;
    const oldTitle = stringField(card, 'title');
    const ref = () => cardRef(card, cardId);
    if (title !== undefined && setIfChanged(card, 'title', title)) {
      note(doc, opts, { kind: 'card.renamed', card: ref(), from: oldTitle.slice(0, ACTIVITY_TITLE_MAX) });
      changed = true;
    }
    if (patch.due !== undefined) {
      const from = card.get('due');
      if (setIfChanged(card, 'due', patch.due)) {
        note(doc, opts, {
          kind: 'card.due',
          card: ref(),
          from: typeof from === 'string' ? from : null,
          to: patch.due,
        });
        changed = true;
      }
    }
    if (patch.archived !== undefined && setIfChanged(card, 'archived', patch.archived)) {
      note(doc, opts, { kind: patch.archived ? 'card.archived' : 'card.unarchived', card: ref() });
      changed = true;
    }
    if (patch.labels) {
      const { added, removed } = writeSet(card, LABEL_KEY_PREFIX, patch.labels);
      if (added.length + removed.length > 0) {
        const label = (id: string) => labelRef(r, id);
        note(doc, opts, {
          kind: 'card.labels',
          card: ref(),
          added: added.map(label),
          removed: removed.map(label),
        });
        changed = true;
      }
    }
    if (patch.assignees) {
      const { added, removed } = writeSet(card, ASSIGNEE_KEY_PREFIX, patch.assignees);
      if (added.length + removed.length > 0) {
        note(doc, opts, { kind: 'card.assignees', card: ref(), added, removed });
        changed = true;
      }
    }
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
    const card = liveCard(r, cardId);
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
    note(doc, opts, {
      kind: 'card.moved',
      card: cardRef(card, cardId),
      from: columnRef(r, current?.column ?? ''),
      to: columnRef(r, target.columnId),
    });
    return true;
  });
}

/**
 * Moves a card to the board's trash (B15.1): it keeps its id, position and fields, hidden until restored
 * (trash.ts) or purged. False if there is no such card or it is in the trash already.
 */
export function deleteCard(doc: Y.Doc, cardId: string, opts?: MutationOptions): boolean {
  const clock = opts?.clock ?? defaultClock;
  return run(doc, opts, (r) => {
    const card = liveCard(r, cardId);
    if (!card) return false;
    card.set(TRASHED_KEY, { by: opts?.actor ?? '', at: clock() });
    const column = readPos(card.get('pos'))?.column ?? '';
    note(doc, opts, { kind: 'card.deleted', card: cardRef(card, cardId), column: columnRef(r, column) });
    return true;
  });
}

export function cardRef(card: Y.Map<unknown>, cardId: string): ActivityRef {
  return activityRef(cardId, stringField(card, 'title'));
}

function labelRef(r: BoardRoots, labelId: string): ActivityRef {
  const label = childMap(r.labels as Y.Map<unknown>, labelId);
  return activityRef(labelId, label ? stringField(label, 'name') : '');
}

/**
 * Writes a set as one `prefix + id` key per member, touching only the keys that change. Returns the ids
 * added and removed.
 */
function writeSet(
  card: Y.Map<unknown>,
  prefix: string,
  ids: readonly string[],
): { added: string[]; removed: string[] } {
  const wanted = new Set(ids.map((id) => prefix + id));
  const added: string[] = [];
  const removed: string[] = [];
  for (const key of [...card.keys()]) {
    if (key.startsWith(prefix) && !wanted.has(key)) {
      card.delete(key);
      removed.push(key.slice(prefix.length));
    }
  }
  for (const key of wanted) {
    if (card.get(key) !== true) {
      card.set(key, true);
      added.push(key.slice(prefix.length));
    }
  }
  return { added, removed };
}
