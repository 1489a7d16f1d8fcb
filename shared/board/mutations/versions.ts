/**
 * Restoring a card or the whole board to an earlier version (rules B16.1–B16.4 in SPEC.md). A version is a
 * document rebuilt from the server's history (`Y.applyUpdate(new Y.Doc(), bytes)`); it is only read here.
 * A restore is a new change made on top of the present document, never a rewrite of its history: it writes
 * only the keys whose value differs from the version's, in one transaction with its activity entry, so it
 * merges with concurrent edits like any edit, and the board's undo manager takes it back as one step.
 */
import * as Y from 'yjs';
import { activityRef } from '../activity';
import { defaultClock, defaultRandom } from '../ids';
import { orderKeyAt } from '../order';
import {
  ASSIGNEE_KEY_PREFIX,
  type BoardRoots,
  childMap,
  LABEL_KEY_PREFIX,
  readPos,
  readTrashRecord,
  roots,
  type StoredPos,
  TRASHED_KEY,
} from '../schema';
import { cardRef } from './cards';
import { type MutationOptions, newMap, note, run, setIfChanged } from './common';
import { columnCards, fallbackColumnId, isLiveColumn } from './placement';

/** The plain fields a restore brings back (B16.2); `pos` and the set keys are handled on their own. */
const CARD_FIELDS = ['title', 'due', 'archived'] as const;
const COLUMN_FIELDS = ['title', 'order'] as const;
const LABEL_FIELDS = ['name', 'color'] as const;

interface RestoreContext {
  readonly r: BoardRoots;
  readonly past: BoardRoots;
  readonly by: string;
  readonly at: number;
  readonly opts: MutationOptions | undefined;
}

/**
 * Brings one card back to its state in `version` (B16.2): title, due date, archived, labels, assignees,
 * its place (the version's column and order key when that column is live now), and in or out of the trash
 * as it was then. Other cards are not touched. `versionTime` (ms) is what the feed entry names. False (and
 * nothing written) if the card is not in the version, was purged since, or is already as it was.
 */
export function restoreCardToVersion(
  doc: Y.Doc,
  version: Y.Doc,
  cardId: string,
  versionTime: number,
  opts?: MutationOptions,
): boolean {
  return run(doc, opts, (r) => {
    const ctx = context(r, version, opts);
    if (!applyCard(ctx, cardId)) return false;
    const card = childMap(r.cards as Y.Map<unknown>, cardId);
    note(doc, opts, {
      kind: 'card.reverted',
      card: card ? cardRef(card, cardId) : activityRef(cardId, ''),
      version: versionTime,
    });
    return true;
  });
}

export interface BoardRestoreResult {
  /** Cards of the version written back (fields, place or trash state). */
  readonly cards: number;
  /** Cards created since the version, moved to the trash. */
  readonly trashedCards: number;
  /** Columns of the version written back, or created since and moved to the trash. */
  readonly columns: number;
}

/**
 * Brings the whole board back to `version` (B16.3): its title; labels of the version (re-created if deleted
 * since); every column of the version (title, order, live or deleted as then); every card of the version as
 * `restoreCardToVersion` does (B16.2). What was created since goes to the trash, not away: columns with the
 * cards created since that are in them, other new cards on their own. Labels created since, members, the
 * feed, the rituals and comments are left as they are, and so is anything the version does not hold.
 * Returns null (nothing written, no entry) if the board is already as it was.
 */
export function restoreBoardToVersion(
  doc: Y.Doc,
  version: Y.Doc,
  versionTime: number,
  opts?: MutationOptions,
): BoardRestoreResult | null {
  return run(doc, opts, (r) => {
    const ctx = context(r, version, opts);
    const { past: then } = ctx;
    let columns = 0;
    let cards = 0;
    let trashedCards = 0;
    const thenTitle = then.meta.get('title');
    const titleChanged = typeof thenTitle === 'string' && setIfChanged(r.meta, 'title', thenTitle);

    then.labels.forEach((label, id) => {
      if (label instanceof Y.Map) copyMap(r.labels as Y.Map<unknown>, id, label, LABEL_FIELDS);
    });
    then.columns.forEach((column, id) => {
      if (column instanceof Y.Map && applyColumn(ctx, id, column)) columns++;
    });
    then.cards.forEach((card, id) => {
      if (card instanceof Y.Map && applyCard(ctx, id)) cards++;
    });

    // Created since: to the trash (B16.3), after the version's cards have gone back to their columns.
    const newColumns = new Set<string>();
    r.columns.forEach((column, id) => {
      if (column instanceof Y.Map && !then.columns.has(id) && column.get('deleted') !== true)
        newColumns.add(id);
    });
    r.cards.forEach((card, id) => {
      if (!(card instanceof Y.Map) || then.cards.has(id) || readTrashRecord(card.get(TRASHED_KEY))) return;
      const column = readPos(card.get('pos'))?.column;
      const record = column !== undefined && newColumns.has(column) ? { column } : {};
      card.set(TRASHED_KEY, { by: ctx.by, at: ctx.at, ...record });
      trashedCards++;
    });
    for (const id of newColumns) {
      const column = childMap(r.columns as Y.Map<unknown>, id);
      if (!column) continue;
      column.set('deleted', true);
      column.set(TRASHED_KEY, { by: ctx.by, at: ctx.at });
      columns++;
    }

    if (!titleChanged && columns + cards + trashedCards === 0) return null;
    note(doc, opts, { kind: 'board.reverted', version: versionTime, cards: cards + trashedCards });
    return { cards, trashedCards, columns };
  });
}

/**
 * Records in the board's feed that a card's description was restored to a version (B16.4). The
 * description is its own document, so this cannot share its transaction: call it right after applying the
 * description's change. False if the card is gone.
 */
export function recordDescriptionRestore(
  doc: Y.Doc,
  cardId: string,
  versionTime: number,
  opts?: MutationOptions,
): boolean {
  return run(doc, opts, (r) => {
    const card = childMap(r.cards as Y.Map<unknown>, cardId);
    if (!card) return false;
    note(doc, opts, { kind: 'card.descriptionReverted', card: cardRef(card, cardId), version: versionTime });
    return true;
  });
}

function context(r: BoardRoots, version: Y.Doc, opts: MutationOptions | undefined): RestoreContext {
  return { r, past: roots(version), by: opts?.actor ?? '', at: (opts?.clock ?? defaultClock)(), opts };
}

/** B16.2 for one card; returns whether anything was written. */
function applyCard(ctx: RestoreContext, cardId: string): boolean {
  const { r, past: then } = ctx;
  const before = childMap(then.cards as Y.Map<unknown>, cardId);
  if (!before) return false;
  let card = childMap(r.cards as Y.Map<unknown>, cardId);
  if (!card) {
    // Purged since: its description is gone, so it stays gone (B16.2).
    if (r.purged.has(cardId)) return false;
    card = newMap({ createdBy: before.get('createdBy'), createdAt: before.get('createdAt') });
    r.cards.set(cardId, card);
  }
  let changed = false;
  for (const key of CARD_FIELDS) changed = copyValue(card, key, before.get(key)) || changed;
  changed = copySet(card, before, LABEL_KEY_PREFIX) || changed;
  changed = copySet(card, before, ASSIGNEE_KEY_PREFIX) || changed;
  changed = placeCard(ctx, cardId, card, readPos(before.get('pos'))) || changed;

  const thenTrash = readTrashRecord(before.get(TRASHED_KEY));
  const nowTrash = readTrashRecord(card.get(TRASHED_KEY));
  if (thenTrash === null && nowTrash !== null) {
    card.delete(TRASHED_KEY);
    changed = true;
  } else if (thenTrash !== null && nowTrash === null) {
    const column = thenTrash.column === null ? {} : { column: thenTrash.column };
    card.set(TRASHED_KEY, { by: ctx.by, at: ctx.at, ...column });
    changed = true;
  }
  return changed;
}

/**
 * The version's place when its column is live now; else where it is, if that column is live; else the end
 * of the first live column (as a restore from the trash does, B15.2).
 */
function placeCard(ctx: RestoreContext, cardId: string, card: Y.Map<unknown>, thenPos: StoredPos | null) {
  const { r } = ctx;
  const nowPos = readPos(card.get('pos'));
  let target: StoredPos | null = null;
  if (thenPos && isLiveColumn(r, thenPos.column)) target = thenPos;
  else if (nowPos && isLiveColumn(r, nowPos.column)) return false;
  else {
    const first = fallbackColumnId(r);
    if (!isLiveColumn(r, first)) return false;
    const siblings = columnCards(r, first, cardId);
    target = {
      column: first,
      order: orderKeyAt(siblings, siblings.length, ctx.opts?.random ?? defaultRandom),
    };
  }
  if (nowPos && nowPos.column === target.column && nowPos.order === target.order) return false;
  card.set('pos', { column: target.column, order: target.order });
  return true;
}

/** B16.3 for one column of the version: its title and order, and live or deleted as then. */
function applyColumn(ctx: RestoreContext, columnId: string, before: Y.Map<unknown>): boolean {
  const { r } = ctx;
  let changed = copyMap(r.columns as Y.Map<unknown>, columnId, before, COLUMN_FIELDS);
  const column = childMap(r.columns as Y.Map<unknown>, columnId);
  if (!column) return changed;
  const thenDeleted = before.get('deleted') === true;
  const nowDeleted = column.get('deleted') === true;
  if (!thenDeleted && (nowDeleted || column.has(TRASHED_KEY))) {
    column.delete('deleted');
    column.delete(TRASHED_KEY);
    changed = true;
  } else if (thenDeleted && !nowDeleted) {
    column.set('deleted', true);
    if (readTrashRecord(before.get(TRASHED_KEY))) column.set(TRASHED_KEY, { by: ctx.by, at: ctx.at });
    changed = true;
  }
  return changed;
}

/** Copies `fields` of a version's nested map into the present one, creating it if it is gone. */
function copyMap(
  parent: Y.Map<unknown>,
  id: string,
  before: Y.Map<unknown>,
  fields: readonly string[],
): boolean {
  let map = childMap(parent, id);
  if (!map) {
    map = new Y.Map<unknown>();
    parent.set(id, map);
    for (const key of fields) if (before.has(key)) map.set(key, before.get(key));
    return true;
  }
  let changed = false;
  for (const key of fields) changed = copyValue(map, key, before.get(key)) || changed;
  return changed;
}

/** Writes a plain value if it differs (a key absent then is deleted now). */
function copyValue(map: Y.Map<unknown>, key: string, value: unknown): boolean {
  if (value === undefined) {
    if (!map.has(key)) return false;
    map.delete(key);
    return true;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null)
    return setIfChanged(map, key, value);
  return false;
}

/** Makes the set of `prefix` keys (labels or assignees) the version's, touching only the keys that differ. */
function copySet(card: Y.Map<unknown>, before: Y.Map<unknown>, prefix: string): boolean {
  let changed = false;
  for (const key of [...card.keys()]) {
    if (key.startsWith(prefix) && before.get(key) !== true) {
      card.delete(key);
      changed = true;
    }
  }
  for (const key of before.keys()) {
    if (key.startsWith(prefix) && before.get(key) === true && card.get(key) !== true) {
      card.set(key, true);
      changed = true;
    }
  }
  return changed;
}
