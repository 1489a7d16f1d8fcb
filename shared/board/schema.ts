/**
 * The board document's layout. Only shared/board reads or writes these Yjs types; everything else uses
 * the typed API (index.ts).
 *
 * Root types (root types, not maps nested in one root map: two replicas creating the same nested map
 * concurrently would each make their own, and the loser's contents would vanish):
 *
 *   meta     Y.Map   schema (number), title, createdBy, createdAt (ms)
 *   columns  Y.Map<columnId, Y.Map>   title, order (fractional key), deleted (boolean tombstone)
 *   cards    Y.Map<cardId, Y.Map>     pos ({ column, order } as ONE value), title, due (YYYY-MM-DD|null),
 *                                     archived, createdBy, createdAt, and one key per set member:
 *                                     `label:<labelId>` → true, `assignee:<memberId>` → true
 *   labels   Y.Map<labelId, Y.Map>    name, color
 *   members  Y.Map<memberId, Member>  plain JSON { id, name, color, lastSeen }
 *
 * Why these shapes:
 * - `pos` holds column and order together so that two concurrent moves resolve last-writer-wins as a whole:
 *   the card ends in exactly one of the two places, never half of each. A move only rewrites `pos`, so an
 *   edit of another field made concurrently with a move survives it.
 * - Labels and assignees are one map key each, so two people adding different labels at once both win.
 * - Columns are tombstoned (`deleted: true`), not removed, so a card moved into a column concurrently with
 *   its deletion can still be shown in it (see read.ts, "resurrected" columns).
 * - A card's description lives in its own document, `descriptionRoom(boardId, cardId)`
 *   (shared/room-names.ts): the card id is the link, nothing is stored for it here, and ids never change.
 */
import * as Y from 'yjs';

export const SCHEMA_VERSION = 1;

export const ROOT = {
  meta: 'meta',
  columns: 'columns',
  cards: 'cards',
  labels: 'labels',
  members: 'members',
} as const;

/** Sort key of placeholder columns: after every valid fractional key (those use 0-9A-Za-z). */
export const PLACEHOLDER_ORDER = '~';
/** Column shown for cards with an unreadable position on a board with no live column. */
export const UNPLACED_COLUMN_ID = 'unplaced';

export const LABEL_KEY_PREFIX = 'label:';
export const ASSIGNEE_KEY_PREFIX = 'assignee:';

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
}

export function roots(doc: Y.Doc): BoardRoots {
  return {
    meta: doc.getMap(ROOT.meta),
    columns: doc.getMap(ROOT.columns),
    cards: doc.getMap(ROOT.cards),
    labels: doc.getMap(ROOT.labels),
    members: doc.getMap(ROOT.members),
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

export function stringField(map: Y.Map<unknown>, key: string, fallback = ''): string {
  const value = map.get(key);
  return typeof value === 'string' ? value : fallback;
}

export function numberField(map: Y.Map<unknown>, key: string): number | null {
  const value = map.get(key);
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
