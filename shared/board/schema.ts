/**
 * The board document's layout. Only shared/board reads or writes these Yjs types; everything else uses
 * the typed API (index.ts).
 *
 * Root types (root types, not maps nested in one root map: two replicas creating the same nested map
 * concurrently would each make their own, and the loser's contents would vanish):
 *
 *   meta     Y.Map   schema (number), title, createdBy, createdAt (ms)
 *   columns  Y.Map<columnId, Y.Map>   title, order (fractional key), deleted (boolean tombstone),
 *                                     trashed ({ by, at } as ONE value while in the trash)
 *   cards    Y.Map<cardId, Y.Map>     pos ({ column, order } as ONE value), title, due (YYYY-MM-DD|null),
 *                                     archived, createdBy, createdAt, and one key per set member:
 *                                     `label:<labelId>` → true, `assignee:<memberId>` → true,
 *                                     descriptionPreview ({ text, done, total } as ONE value, or absent),
 *                                     trashed ({ by, at, column? } as ONE value: in the trash, see below)
 *   labels   Y.Map<labelId, Y.Map>    name, color
 *   members  Y.Map<memberId, Member>  plain JSON { id, name, color, lastSeen }
 *   activity Y.Array<entry>           the activity feed: entries as plain arrays `[kind, id, at, by, …]`,
 *                                     appended (activity.ts)
 *   purged   Y.Map<cardId, number>    cards purged from the trash and when (ms): their description
 *                                     documents are deleted by the server
 *
 * meta also holds `trashRetentionDays` (number; absent: the default).
 *
 * Why these shapes:
 * - `pos` holds column and order together so that two concurrent moves resolve last-writer-wins as a whole:
 *   the card ends in exactly one of the two places, never half of each. A move only rewrites `pos`, so an
 *   edit of another field made concurrently with a move survives it.
 * - Labels and assignees are one map key each, so two people adding different labels at once both win.
 * - Columns are tombstoned (`deleted: true`), not removed, so a card moved into a column concurrently with
 *   its deletion can still be shown in it (see read.ts, "resurrected" columns).
 * - A card's description lives in its own document, `descriptionRoom(boardId, cardId)`
 *   (shared/room-names.ts): the card id is the link, and ids never change. The board keeps only a summary of
 *   it, `descriptionPreview`: the first words and the checklist progress, so the board shows every card's
 *   without opening each description. It is written only by shared/description-summary.ts (from an open
 *   description, under its own origin, so board undo never rewinds it), as one value so that concurrent
 *   writes resolve last-writer-wins as a whole.
 * - The trash is a flag, not a copy: a deleted card or column stays where it is, with `trashed: { by, at }`
 *   (a card deleted with its column also names the column). Restoring removes the flag, so the card comes
 *   back by its unchanged order key, and two restores at once, or a restore and an edit, leave one card:
 *   there is only ever one. A purge deletes the card's map and records its id in `purged`.
 * - The feed is an array, not a map: a pruned entry leaves a tombstone of a few bytes (an item with its
 *   origin), where a map key would keep its key and parent name too.
 */
import * as Y from 'yjs';
import { type DescriptionSummary, PREVIEW_MAX_CHARS } from '../description-preview';

export const SCHEMA_VERSION = 1;

export const ROOT = {
  meta: 'meta',
  columns: 'columns',
  cards: 'cards',
  labels: 'labels',
  members: 'members',
  activity: 'activity',
  purged: 'purged',
} as const;

/** Sort key of placeholder columns: after every valid fractional key (those use 0-9A-Za-z). */
export const PLACEHOLDER_ORDER = '~';
/** Column shown for cards with an unreadable position on a board with no live column. */
export const UNPLACED_COLUMN_ID = 'unplaced';

export const LABEL_KEY_PREFIX = 'label:';
export const ASSIGNEE_KEY_PREFIX = 'assignee:';

/** The card and column key of a trash record (see the layout above). */
export const TRASHED_KEY = 'trashed';
/** The meta key of the trash's retention period in days. */
export const TRASH_RETENTION_KEY = 'trashRetentionDays';
export const DEFAULT_TRASH_RETENTION_DAYS = 30;
export const MAX_TRASH_RETENTION_DAYS = 3650;

/** A stored retention period: whole days from 1 to MAX_TRASH_RETENTION_DAYS, else the default. */
export function readRetention(value: unknown): number {
  return typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 1 &&
    value <= MAX_TRASH_RETENTION_DAYS
    ? value
    : DEFAULT_TRASH_RETENTION_DAYS;
}

/** The card key of the stored description summary (see the layout above). */
export const DESCRIPTION_PREVIEW_KEY = 'descriptionPreview';

export interface StoredPos {
  column: string;
  order: string;
}

export interface StoredMember {
  id: string;
  name: string;
  color: string;
  lastSeen: number;
}

export interface BoardRoots {
  meta: Y.Map<unknown>;
  columns: Y.Map<Y.Map<unknown>>;
  cards: Y.Map<Y.Map<unknown>>;
  labels: Y.Map<Y.Map<unknown>>;
  members: Y.Map<unknown>;
  activity: Y.Array<unknown>;
  purged: Y.Map<unknown>;
}

export function roots(doc: Y.Doc): BoardRoots {
  return {
    meta: doc.getMap(ROOT.meta),
    columns: doc.getMap(ROOT.columns),
    cards: doc.getMap(ROOT.cards),
    labels: doc.getMap(ROOT.labels),
    members: doc.getMap(ROOT.members),
    activity: doc.getArray(ROOT.activity),
    purged: doc.getMap(ROOT.purged),
  };
}

/** A nested map, or null if a peer stored something else under the key. */
export function childMap(parent: Y.Map<unknown>, key: string): Y.Map<unknown> | null {
  const value = parent.get(key);
  return value instanceof Y.Map ? (value as Y.Map<unknown>) : null;
}

export function readPos(value: unknown): StoredPos | null {
  if (typeof value !== 'object' || value === null) return null;
  const { column, order } = value as Record<string, unknown>;
  if (typeof column !== 'string' || typeof order !== 'string') return null;
  return { column, order };
}

export function readMember(value: unknown): StoredMember | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, name, color, lastSeen } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string' || typeof color !== 'string') return null;
  return { id, name, color, lastSeen: typeof lastSeen === 'number' ? lastSeen : 0 };
}

/** Who moved a card or column to the trash and when; `column`: the column it was deleted with. */
export interface TrashRecord {
  readonly by: string;
  readonly at: number;
  readonly column: string | null;
}

/** A stored trash record, read defensively: null (not in the trash) unless it is an object. */
export function readTrashRecord(value: unknown): TrashRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const { by, at, column } = value as Record<string, unknown>;
  return {
    by: typeof by === 'string' ? by : '',
    at: typeof at === 'number' && Number.isFinite(at) ? at : 0,
    column: typeof column === 'string' ? column : null,
  };
}

/** Whether a stored card or column is in the trash. */
export function isTrashed(map: Y.Map<unknown>): boolean {
  return readTrashRecord(map.get(TRASHED_KEY)) !== null;
}

/** A card that exists and is not in the trash (what intents may change), or null. */
export function liveCard(r: BoardRoots, cardId: string): Y.Map<unknown> | null {
  const card = childMap(r.cards as Y.Map<unknown>, cardId);
  return card && !isTrashed(card) ? card : null;
}

export function stringField(map: Y.Map<unknown>, key: string, fallback = ''): string {
  const value = map.get(key);
  return typeof value === 'string' ? value : fallback;
}

export function numberField(map: Y.Map<unknown>, key: string): number | null {
  const value = map.get(key);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A card's description summary as stored: preview text, ticked and total checklist items. */
interface StoredDescriptionPreview {
  readonly text: string;
  readonly done: number;
  readonly total: number;
}

/** The value `descriptionPreview` stores for a summary. */
export function storedDescriptionPreview(summary: DescriptionSummary): StoredDescriptionPreview {
  return { text: summary.preview, done: summary.checklist.done, total: summary.checklist.total };
}

/**
 * A stored description summary, read defensively (peers may run other versions): null unless it is
 * `{ text, done, total }` with whole counts, `done <= total`; text longer than the preview is cut.
 */
export function readDescriptionPreview(value: unknown): DescriptionSummary | null {
  if (typeof value !== 'object' || value === null) return null;
  const { text, done, total } = value as Record<string, unknown>;
  if (typeof text !== 'string' || !isCount(done) || !isCount(total) || done > total) return null;
  return { preview: text.slice(0, PREVIEW_MAX_CHARS), checklist: { done, total } };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
