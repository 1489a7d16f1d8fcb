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
import type { DescriptionSummary } from '../description-preview';
import { compareByOrder } from './order';
import { cacheFor, patchCards, type ReadCache, readCounts } from './read-cache';
import { compareText, readCard } from './read-card';
import { sameList, sameShallow, shareUnchanged } from './read-sharing';
import { buildTrash, type TrashItem } from './read-trash';
import {
  childMap,
  numberField,
  PLACEHOLDER_ORDER,
  readMember,
  readPos,
  readRetention,
  readTrashRecord,
  roots,
  stringField,
  TRASH_RETENTION_KEY,
  TRASHED_KEY,
  type TrashRecord,
  UNPLACED_COLUMN_ID,
} from './schema';

export { isIsoDate } from './read-card';

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
 * Reads the board. Pass the previous snapshot to reuse its objects where nothing changed, so React
 * components memoised on a card or column skip re-rendering (the result is `previous` itself if nothing
 * changed at all). When `previous` is the last snapshot read from this document and only cards changed
 * since, it is patched instead of read whole (read-cache.ts): the cost of a change is the cards it touched.
 */
export function readBoard(doc: Y.Doc, previous?: BoardSnapshot): BoardSnapshot {
  const r = roots(doc);
  const cache = cacheFor(doc);
  const base = cache?.last?.snapshot;
  const patched = cache ? patchCards(doc, cache) : null;
  let result: BoardSnapshot;
  if (patched && base && cache?.last) {
    const members = readMembers(r);
    const meta = readMeta(r);
    result = {
      ...base,
      ...meta,
      // Only the card parts: `patched` is `base` itself when no card changed.
      cards: patched.cards,
      columns: patched.columns,
      archivedCards: patched.archivedCards,
      members: sameList(base.members, members, sameShallow) ? base.members : members,
    };
    if (
      patched === base &&
      result.members === base.members &&
      (Object.keys(meta) as (keyof typeof meta)[]).every((key) => meta[key] === base[key])
    ) {
      result = base;
    }
    // Another reader may have read since `previous` was handed out: share with it all the same.
    if (previous && previous !== base) result = shareUnchanged(previous, result);
    cache.last = { ...cache.last, snapshot: result };
  } else {
    const whole = readWhole(r, cache);
    readCounts.whole++;
    result = previous ? shareUnchanged(previous, whole.snapshot) : whole.snapshot;
    if (cache) {
      cache.last = {
        snapshot: result,
        labelsVersion: cache.labelsVersion,
        columnsVersion: cache.columnsVersion,
        fallback: whole.fallback,
        labelRank: whole.labelRank,
      };
    }
  }
  return result;
}

interface Reading {
  snapshot: BoardSnapshot;
  fallback: string;
  labelRank: ReadonlyMap<string, number>;
}

type Roots = ReturnType<typeof roots>;

function readMeta(
  r: Roots,
): Pick<BoardSnapshot, 'initialised' | 'title' | 'createdBy' | 'createdAt' | 'trashRetentionDays'> {
  const title = r.meta.get('title');
  const createdBy = r.meta.get('createdBy');
  return {
    initialised: r.meta.has('schema'),
    title: typeof title === 'string' ? title : '',
    createdBy: typeof createdBy === 'string' ? createdBy : null,
    createdAt: numberField(r.meta, 'createdAt'),
    trashRetentionDays: readRetention(r.meta.get(TRASH_RETENTION_KEY)),
  };
}

function readMembers(r: Roots): MemberSnapshot[] {
  const members: MemberSnapshot[] = [];
  r.members.forEach((value, id) => {
    const member = readMember(value);
    if (member && member.id === id) members.push(member);
  });
  return members.sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
}

/** Everything read afresh (cards from the cache where they did not change). */
function readWhole(r: Roots, cache: ReadCache | null): Reading {
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

  const snapshot: BoardSnapshot = {
    ...readMeta(r),
    columns,
    archivedCards,
    cards,
    labels,
    members: readMembers(r),
    trash: buildTrash(columnRecords, trashedCards),
  };
  return { snapshot, fallback, labelRank };
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
