/**
 * Immutable views of a board document for the UI and for server tools.
 *
 * Where a card is shown (the rule for cards in deleted columns):
 * - A card is shown in the column its `pos` names. Deleting a column deletes the cards it holds at that
 *   moment, so the only live cards that can still name a deleted column are ones moved (or added) into it
 *   concurrently with the deletion, by someone who had not yet seen it.
 * - Such a column is RESURRECTED: it is shown again, in its old place with its old title, marked
 *   `resurrected: true`, for as long as it holds at least one non-archived card. Nothing is written: every
 *   replica derives the same view from the same state, so the card is visible where its mover put it and is
 *   never duplicated. `restoreColumn` makes the column live again; moving its last card out hides it.
 * - A card naming a column this replica has never heard of (its creation has not arrived yet) is shown in a
 *   placeholder column with that id, after the others; it fills in once the update arrives. A card whose
 *   position is unreadable is shown in the first column.
 */
import type * as Y from 'yjs';
import { type DescriptionSummary, sameSummary } from '../description-preview';
import { compareByOrder } from './order';
import { buildTrash, shareTrash, type TrashItem } from './read-trash';
import {
  ASSIGNEE_KEY_PREFIX,
  childMap,
  DESCRIPTION_PREVIEW_KEY,
  LABEL_KEY_PREFIX,
  numberField,
  PLACEHOLDER_ORDER,
  readDescriptionPreview,
  readMember,
  readPos,
  readRetention,
  readTrashRecord,
  roots,
  type StoredPos,
  stringField,
  TRASH_RETENTION_KEY,
  TRASHED_KEY,
  type TrashRecord,
  UNPLACED_COLUMN_ID,
} from './schema';

export interface CardSnapshot {
  readonly id: string;
  /** The column the card is shown in (see the rule above). */
  readonly columnId: string;
  readonly order: string;
  readonly title: string;
  /** Ids of existing labels, in the board's label order (ids of deleted labels are dropped). */
  readonly labels: readonly string[];
  /** Member ids, sorted. */
  readonly assignees: readonly string[];
  /** `YYYY-MM-DD` or null. */
  readonly due: string | null;
  readonly archived: boolean;
  readonly createdBy: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /**
   * The description's first words and checklist progress, as last stored by an open description
   * (shared/description-summary.ts); null if the card has none (never opened with content) or it is unreadable.
   */
  readonly descriptionPreview: DescriptionSummary | null;
}

export interface ColumnSnapshot {
  readonly id: string;
  readonly title: string;
  readonly order: string;
  /** Deleted, but shown because a card was moved into it concurrently with the deletion. */
  readonly resurrected: boolean;
  /** Its creation has not reached this replica yet; shown because a card names it. */
  readonly placeholder: boolean;
  /** Non-archived cards, sorted. */
  readonly cards: readonly CardSnapshot[];
}

export interface LabelSnapshot {
  readonly id: string;
  readonly name: string;
  readonly color: string;
}

export interface MemberSnapshot {
  readonly id: string;
  readonly name: string;
  readonly color: string;
  readonly lastSeen: number;
}

export interface BoardSnapshot {
  /** False until `initBoard` ran here or its update arrived. */
  readonly initialised: boolean;
  readonly title: string;
  readonly createdBy: string | null;
  readonly createdAt: number | null;
  /** Shown columns, sorted by order then id. */
  readonly columns: readonly ColumnSnapshot[];
  /** Archived cards, oldest first. */
  readonly archivedCards: readonly CardSnapshot[];
  /** Every card (shown or archived, not in the trash) by id. */
  readonly cards: ReadonlyMap<string, CardSnapshot>;
  /** Deleted columns (with their cards) and cards, newest first (B15.1). */
  readonly trash: readonly TrashItem[];
  /** Days a deleted thing stays in the trash before it is purged (B15.4). */
  readonly trashRetentionDays: number;
  /** Sorted by name, then id. */
  readonly labels: readonly LabelSnapshot[];
  /** Everyone who has opened the board, sorted by name, then id. */
  readonly members: readonly MemberSnapshot[];
}

export const PLACEHOLDER_COLUMN_TITLE = 'Untitled column';

interface ColumnRecord {
  id: string;
  title: string;
  order: string;
  deleted: boolean;
  trashed: TrashRecord | null;
}

/**
 * Reads the whole board. Pass the previous snapshot to reuse its objects where nothing changed, so React
 * components memoised on a card or column skip re-rendering (the result is `previous` itself if nothing
 * changed at all).
 */
export function readBoard(doc: Y.Doc, previous?: BoardSnapshot): BoardSnapshot {
  const r = roots(doc);

  const labels: LabelSnapshot[] = [];
  r.labels.forEach((_, id) => {
    const label = childMap(r.labels as Y.Map<unknown>, id);
    if (!label) return;
    labels.push({ id, name: stringField(label, 'name'), color: stringField(label, 'color', '#868e96') });
  });
  labels.sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
  const labelRank = new Map(labels.map((label, i) => [label.id, i]));

  const columnRecords = new Map<string, ColumnRecord>();
  r.columns.forEach((_, id) => {
    const column = childMap(r.columns as Y.Map<unknown>, id);
    if (!column) return;
    columnRecords.set(id, {
      id,
      title: stringField(column, 'title'),
      order: stringField(column, 'order'),
      deleted: column.get('deleted') === true,
      trashed: readTrashRecord(column.get(TRASHED_KEY)),
    });
  });
  const firstLive = [...columnRecords.values()].filter((c) => !c.deleted).sort(compareByOrder)[0];

  const cache = cacheFor(doc);
  const fallback = firstLive?.id ?? UNPLACED_COLUMN_ID;
  const cards = new Map<string, CardSnapshot>();
  const trashedCards: { card: CardSnapshot; record: TrashRecord }[] = [];
  const seenIds = new Set<string>();
  r.cards.forEach((_, id) => {
    const card = childMap(r.cards as Y.Map<unknown>, id);
    if (!card) return;
    seenIds.add(id);
    const cached = cache?.cards.get(id);
    let snapshot: CardSnapshot;
    let trashed: TrashRecord | null;
    if (
      cache &&
      cached &&
      cached.map === card &&
      !cache.dirty.has(id) &&
      cached.labelsVersion === cache.labelsVersion &&
      (cached.fallback === null || cached.fallback === fallback)
    ) {
      snapshot = cached.snapshot;
      trashed = cached.trashed;
    } else {
      const pos = readPos(card.get('pos'));
      snapshot = readCard(id, card, pos, fallback, labelRank);
      trashed = readTrashRecord(card.get(TRASHED_KEY));
      if (cache) {
        cache.dirty.delete(id);
        cache.cards.set(id, {
          map: card,
          snapshot,
          trashed,
          labelsVersion: cache.labelsVersion,
          fallback: pos ? null : fallback,
        });
      }
    }
    if (trashed) trashedCards.push({ card: snapshot, record: trashed });
    else cards.set(id, snapshot);
  });
  if (cache) {
    for (const id of cache.cards.keys()) if (!seenIds.has(id)) cache.cards.delete(id);
  }

  const cardsByColumn = new Map<string, CardSnapshot[]>();
  const archivedCards: CardSnapshot[] = [];
  for (const card of cards.values()) {
    if (card.archived) {
      archivedCards.push(card);
      continue;
    }
    const list = cardsByColumn.get(card.columnId);
    if (list) list.push(card);
    else cardsByColumn.set(card.columnId, [card]);
  }
  archivedCards.sort((a, b) => a.createdAt - b.createdAt || compareText(a.id, b.id));

  const shown: ColumnRecord[] = [];
  for (const record of columnRecords.values()) {
    if (!record.deleted || cardsByColumn.has(record.id)) shown.push(record);
  }
  for (const columnId of cardsByColumn.keys()) {
    if (!columnRecords.has(columnId)) {
      shown.push({
        id: columnId,
        title: PLACEHOLDER_COLUMN_TITLE,
        order: PLACEHOLDER_ORDER,
        deleted: false,
        trashed: null,
      });
    }
  }
  shown.sort(compareByOrder);
  const columns: ColumnSnapshot[] = shown.map((record) => ({
    id: record.id,
    title: record.title,
    order: record.order,
    resurrected: record.deleted,
    placeholder: !columnRecords.has(record.id),
    cards: (cardsByColumn.get(record.id) ?? []).sort(compareByOrder),
  }));

  const members: MemberSnapshot[] = [];
  r.members.forEach((value, id) => {
    const member = readMember(value);
    if (member && member.id === id) members.push(member);
  });
  members.sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));

  const title = r.meta.get('title');
  const createdBy = r.meta.get('createdBy');
  const next: BoardSnapshot = {
    initialised: r.meta.has('schema'),
    title: typeof title === 'string' ? title : '',
    createdBy: typeof createdBy === 'string' ? createdBy : null,
    createdAt: numberField(r.meta, 'createdAt'),
    columns,
    archivedCards,
    cards,
    labels,
    members,
    trash: buildTrash(columnRecords, trashedCards),
    trashRetentionDays: readRetention(r.meta.get(TRASH_RETENTION_KEY)),
  };
  return previous ? shareUnchanged(previous, next) : next;
}

function readCard(
  id: string,
  card: Y.Map<unknown>,
  pos: StoredPos | null,
  fallback: string,
  labelRank: ReadonlyMap<string, number>,
): CardSnapshot {
  const cardLabels: string[] = [];
  const assignees: string[] = [];
  for (const key of card.keys()) {
    if (card.get(key) !== true) continue;
    if (key.startsWith(LABEL_KEY_PREFIX)) {
      const labelId = key.slice(LABEL_KEY_PREFIX.length);
      if (labelRank.has(labelId)) cardLabels.push(labelId);
    } else if (key.startsWith(ASSIGNEE_KEY_PREFIX)) {
      assignees.push(key.slice(ASSIGNEE_KEY_PREFIX.length));
    }
  }
  cardLabels.sort((a, b) => (labelRank.get(a) ?? 0) - (labelRank.get(b) ?? 0));
  assignees.sort(compareText);
  const due = card.get('due');
  return {
    id,
    columnId: pos?.column ?? fallback,
    order: pos?.order ?? '',
    title: stringField(card, 'title'),
    labels: cardLabels,
    assignees,
    due: typeof due === 'string' && isIsoDate(due) ? due : null,
    archived: card.get('archived') === true,
    createdBy: stringField(card, 'createdBy'),
    createdAt: numberField(card, 'createdAt') ?? 0,
    descriptionPreview: readDescriptionPreview(card.get(DESCRIPTION_PREVIEW_KEY)),
  };
}

// ---- card snapshot cache --------------------------------------------------------------------------------

/**
 * Card snapshots are kept per document and rebuilt only for cards changed since the last read (tracked with
 * deep observers), so reading a board of thousands of cards after a one-card change stays cheap, and an
 * unchanged card keeps its object identity (React memoisation).
 */
interface ReadCache {
  cards: Map<
    string,
    {
      map: Y.Map<unknown>;
      snapshot: CardSnapshot;
      trashed: TrashRecord | null;
      labelsVersion: number;
      fallback: string | null;
    }
  >;
  dirty: Set<string>;
  /** Bumped on any label change: cards list labels in label order and drop deleted ones. */
  labelsVersion: number;
}

const caches = new WeakMap<Y.Doc, ReadCache>();

/** The document's cache, or null inside a transaction (its observers have not run yet: read afresh). */
function cacheFor(doc: Y.Doc): ReadCache | null {
  if (doc._transaction !== null) return null;
  let cache = caches.get(doc);
  if (!cache) {
    const created: ReadCache = { cards: new Map(), dirty: new Set(), labelsVersion: 0 };
    const r = roots(doc);
    r.cards.observeDeep((events) => {
      for (const event of events) {
        if (event.target === r.cards)
          for (const key of (event as Y.YMapEvent<unknown>).keysChanged) created.dirty.add(key);
        else if (typeof event.path[0] === 'string') created.dirty.add(event.path[0]);
      }
    });
    r.labels.observeDeep(() => {
      created.labelsVersion++;
    });
    caches.set(doc, created);
    cache = created;
  }
  return cache;
}

/**
 * Calls `listener` after every transaction that changed the board (local or remote). Returns an
 * unsubscribe function. Read the board with `readBoard` inside the listener.
 */
export function onBoardChange(doc: Y.Doc, listener: () => void): () => void {
  const handle = (transaction: Y.Transaction) => {
    if (transaction.changed.size > 0) listener();
  };
  doc.on('afterTransaction', handle);
  return () => doc.off('afterTransaction', handle);
}

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A calendar date as `YYYY-MM-DD` (no time, no zone: a due day means the same day everywhere). */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- structural sharing -------------------------------------------------------------------------------

function shareUnchanged(prev: BoardSnapshot, next: BoardSnapshot): BoardSnapshot {
  // The card cache already hands back the previous object for every card that did not change, so on a big
  // board this is mostly identity checks: copies are made only where a rebuilt card equals its old one.
  let cardsSame = prev.cards.size === next.cards.size;
  let equalRebuilt: Map<string, CardSnapshot> | null = null;
  for (const [id, card] of next.cards) {
    const old = prev.cards.get(id);
    if (old === card) continue;
    if (old && sameCard(old, card)) {
      equalRebuilt ??= new Map();
      equalRebuilt.set(id, old);
    } else {
      cardsSame = false;
    }
  }
  const kept = equalRebuilt;
  const cards =
    kept === null ? next.cards : new Map([...next.cards].map(([id, card]) => [id, kept.get(id) ?? card]));
  const pick = (card: CardSnapshot) => kept?.get(card.id) ?? card;
  const prevTrashed = new Map<string, CardSnapshot>();
  for (const item of prev.trash) {
    if (item.kind === 'card') prevTrashed.set(item.card.id, item.card);
    else for (const card of item.cards) prevTrashed.set(card.id, card);
  }
  const pickTrashed = (card: CardSnapshot) => {
    const old = prevTrashed.get(card.id);
    return old && (old === card || sameCard(old, card)) ? old : card;
  };
  const trash = shareTrash(prev.trash, next.trash, pickTrashed);
  const prevColumns = new Map(prev.columns.map((c) => [c.id, c]));
  const columns = next.columns.map((column) => {
    const columnCards = kept === null ? column.cards : column.cards.map(pick);
    const old = prevColumns.get(column.id);
    if (
      old &&
      old.title === column.title &&
      old.order === column.order &&
      old.resurrected === column.resurrected &&
      old.placeholder === column.placeholder &&
      sameItems(old.cards, columnCards)
    ) {
      return old;
    }
    return { ...column, cards: columnCards };
  });
  const archivedCards = kept === null ? next.archivedCards : next.archivedCards.map(pick);
  const labels = sameList(prev.labels, next.labels, sameShallow) ? prev.labels : next.labels;
  const members = sameList(prev.members, next.members, sameShallow) ? prev.members : next.members;
  const result: BoardSnapshot = {
    ...next,
    cards: cardsSame ? prev.cards : cards,
    columns: sameItems(prev.columns, columns) ? prev.columns : columns,
    archivedCards: sameItems(prev.archivedCards, archivedCards) ? prev.archivedCards : archivedCards,
    labels,
    members,
    trash,
  };
  const same =
    result.cards === prev.cards &&
    result.columns === prev.columns &&
    result.archivedCards === prev.archivedCards &&
    result.labels === prev.labels &&
    result.members === prev.members &&
    result.trash === prev.trash &&
    result.trashRetentionDays === prev.trashRetentionDays &&
    result.initialised === prev.initialised &&
    result.title === prev.title &&
    result.createdBy === prev.createdBy &&
    result.createdAt === prev.createdAt;
  return same ? prev : result;
}

function sameCard(a: CardSnapshot, b: CardSnapshot): boolean {
  return (
    a.columnId === b.columnId &&
    a.order === b.order &&
    a.title === b.title &&
    a.due === b.due &&
    a.archived === b.archived &&
    a.createdBy === b.createdBy &&
    a.createdAt === b.createdAt &&
    sameItems(a.labels, b.labels) &&
    sameItems(a.assignees, b.assignees) &&
    sameOptional(a.descriptionPreview, b.descriptionPreview, sameSummary)
  );
}

function sameOptional<T>(a: T | null, b: T | null, same: (x: T, y: T) => boolean): boolean {
  return a === null || b === null ? a === b : same(a, b);
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((item, i) => same(item, b[i] as T));
}

function sameShallow<T extends object>(a: T, b: T): boolean {
  const keys = Object.keys(a) as (keyof T)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
