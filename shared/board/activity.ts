/**
 * The board's activity feed (rules B14.1–B14.5 in SPEC.md): who changed what and when, recorded by the
 * intents themselves in the transaction that makes the change, so no change exists without its entry and no
 * entry without its change.
 *
 * Layout: the root array `activity` holds entries `[kind, id, at, by, …details]` (plain JSON arrays, see
 * activity-codec.ts), appended at the end. The array's order is only storage: readers sort by (at, id), which every replica computes the
 * same from the same entries. An entry's id is unique (the writing replica's client id and its Yjs clock
 * at that moment), except for events several replicas may record for one happening (the board's creation,
 * an item expiring from the trash): those share a fixed id and are shown once.
 *
 * The feed is bounded: a writing replica prunes the entries outside the newest ACTIVITY_LIMIT once it holds
 * 5 % more, in a transaction of its own (never undone). Pruning deletes array items, and
 * concurrent deletions of the same items commute, so pruning never conflicts.
 */
import * as Y from 'yjs';
import { encodeEntry, readEntry } from './activity-codec';
import { defaultClock } from './ids';
import { ROOT, roots } from './schema';

/** Entries readers show and writers keep (the newest by B14.2's order). */
export const ACTIVITY_LIMIT = 2_000;
/**
 * How far past the limit the feed grows before a writer prunes it, as a share of the limit (100 entries for
 * 2,000): one prune transaction per that many entries, not one per change.
 */
export const ACTIVITY_PRUNE_SLACK = 0.05;

/** Items the feed may hold before a writer prunes it back to `limit`. */
export function activityPruneThreshold(limit: number): number {
  return limit + Math.max(1, Math.ceil(limit * ACTIVITY_PRUNE_SLACK));
}
/** Titles are stored as they were, cut to this many characters. */
export const ACTIVITY_TITLE_MAX = 100;
/** One person's description edits of one card closer together than this are one entry (B14.4). */
export const DESCRIPTION_EDIT_MERGE_MS = 5 * 60 * 1000;

/** Origin of the prune transaction: not a person's change, never undone. */
const PRUNE_ORIGIN = 'trellis:activity-prune';

/** Whether a transaction only tidies the feed (pruning): nobody's change. */
export function isActivityUpkeep(origin: unknown): boolean {
  return origin === PRUNE_ORIGIN;
}

/** A card, column or label named in an entry: its id and its title (or name) when the entry was made. */
export interface ActivityRef {
  readonly id: string;
  readonly title: string;
}

export type ActivityDetail =
  | { readonly kind: 'board.created'; readonly title: string }
  | { readonly kind: 'board.renamed'; readonly from: string; readonly to: string }
  | { readonly kind: 'board.retention'; readonly days: number }
  /** The whole board brought back to the version of `version` (ms); `cards`: cards written (B16.3). */
  | { readonly kind: 'board.reverted'; readonly version: number; readonly cards: number }
  | { readonly kind: 'column.added'; readonly column: ActivityRef }
  | { readonly kind: 'column.renamed'; readonly column: ActivityRef; readonly from: string }
  | { readonly kind: 'column.moved'; readonly column: ActivityRef }
  | { readonly kind: 'column.deleted'; readonly column: ActivityRef; readonly cards: number }
  | { readonly kind: 'column.restored'; readonly column: ActivityRef; readonly cards: number }
  | { readonly kind: 'column.purged'; readonly column: ActivityRef; readonly auto: boolean }
  | { readonly kind: 'card.added'; readonly card: ActivityRef; readonly column: ActivityRef }
  | { readonly kind: 'card.renamed'; readonly card: ActivityRef; readonly from: string }
  | {
      readonly kind: 'card.moved';
      readonly card: ActivityRef;
      readonly from: ActivityRef;
      readonly to: ActivityRef;
    }
  | { readonly kind: 'card.archived'; readonly card: ActivityRef }
  | { readonly kind: 'card.unarchived'; readonly card: ActivityRef }
  | { readonly kind: 'card.deleted'; readonly card: ActivityRef; readonly column: ActivityRef }
  | { readonly kind: 'card.restored'; readonly card: ActivityRef; readonly column: ActivityRef }
  | { readonly kind: 'card.purged'; readonly card: ActivityRef; readonly auto: boolean }
  /** A card brought back to the version of `version` (ms, B16.2). */
  | { readonly kind: 'card.reverted'; readonly card: ActivityRef; readonly version: number }
  /** A card's description brought back to the version of `version` (ms, B16.4). */
  | { readonly kind: 'card.descriptionReverted'; readonly card: ActivityRef; readonly version: number }
  | {
      readonly kind: 'card.labels';
      readonly card: ActivityRef;
      /** Labels (id and name) put on and taken off. */
      readonly added: readonly ActivityRef[];
      readonly removed: readonly ActivityRef[];
    }
  | {
      readonly kind: 'card.assignees';
      readonly card: ActivityRef;
      /** Member ids assigned and unassigned. */
      readonly added: readonly string[];
      readonly removed: readonly string[];
    }
  | {
      readonly kind: 'card.due';
      readonly card: ActivityRef;
      readonly from: string | null;
      readonly to: string | null;
    }
  | {
      readonly kind: 'card.described';
      readonly card: ActivityRef;
      /** When the first of the merged edits was made (`at` is the last). */
      readonly since: number;
    }
  /** A comment added to a card (B27); `comment` is its id. Edits and deletes record nothing (B28). */
  | { readonly kind: 'card.commented'; readonly card: ActivityRef; readonly comment: string }
  /** An estimate accepted in planning poker (B26): the card's new `estimate` and the one it replaced. */
  | {
      readonly kind: 'card.estimated';
      readonly card: ActivityRef;
      readonly value: string;
      readonly from: string | null;
    }
  /** A dot-voting round started or ended (B20, B22); `round` is its id. Votes record nothing. */
  | { readonly kind: 'board.votingStarted'; readonly round: string }
  | { readonly kind: 'board.votingEnded'; readonly round: string }
  | { readonly kind: 'label.added'; readonly label: ActivityRef }
  | { readonly kind: 'label.changed'; readonly label: ActivityRef; readonly from: string }
  | { readonly kind: 'label.deleted'; readonly label: ActivityRef };

export type ActivityKind = ActivityDetail['kind'];

export type ActivityEntry = ActivityDetail & {
  /** Unique per entry (B14.2), stable across undo and redo and across a description entry's extensions. */
  readonly id: string;
  /** Milliseconds since the epoch, from the writer's clock. */
  readonly at: number;
  /** Member id of the person who made the change ('' if the writer did not say). */
  readonly by: string;
};

/** The card an entry is about, if any (the feed's card filter, the card panel's own entries). */
export function entryCardId(entry: ActivityEntry): string | null {
  return 'card' in entry ? entry.card.id : null;
}

export function activityRef(id: string, title: string): ActivityRef {
  return { id, title: title.slice(0, ACTIVITY_TITLE_MAX) };
}

/** What the writing intent knows about who and when. */
export interface EntryContext {
  readonly actor?: string | undefined;
  readonly clock?: (() => number) | undefined;
}

/**
 * Appends an entry for a change made in the current transaction. `fixedId` is for events several replicas
 * may record for the same happening (B14.2): they share the id and are shown once.
 */
export function recordActivity(
  doc: Y.Doc,
  context: EntryContext,
  detail: ActivityDetail,
  fixedId?: string,
): void {
  const at = (context.clock ?? defaultClock)();
  const entry = {
    ...detail,
    id: fixedId ?? uniqueEntryId(doc),
    at,
    by: context.actor ?? '',
  } as ActivityEntry;
  append(roots(doc).activity, encodeEntry(entry));
}

/**
 * Appends at the end by index, not with `push`: Yjs walks a push from the array's start unless a search
 * marker exists, and pruning (deletes from index 0) never leaves one, so each push would cross every
 * pruned entry's tombstone. An insert at `length` finds and keeps a marker near the end.
 */
function append(activity: Y.Array<unknown>, item: unknown[]): void {
  activity.insert(activity.length, [item]);
}

/**
 * `<client id><clock>`, each in base 36 at a fixed width, so ids compare as code units in (client, clock)
 * order: one replica's entries of one millisecond keep the order they were made in. The Yjs clock grows with
 * every write, so no two entries of one replica share it.
 */
function uniqueEntryId(doc: Y.Doc): string {
  const client = doc.clientID.toString(36).padStart(7, '0');
  const clock = Y.getState(doc.store, doc.clientID).toString(36).padStart(8, '0');
  return client + clock;
}

/**
 * B14.4: records that `actor` edited the description of a card: extends their latest entry if it is an edit
 * of this card less than DESCRIPTION_EDIT_MERGE_MS old (same id, `at` moved to now, `since` kept), else
 * appends one. Call inside the transaction that writes for the description (description-summary.ts).
 */
export function recordDescriptionEdit(
  doc: Y.Doc,
  cardId: string,
  title: string,
  context: EntryContext,
): void {
  const now = (context.clock ?? defaultClock)();
  const actor = context.actor ?? '';
  const items = roots(doc).activity.toArray();
  let latest: { entry: ActivityEntry; index: number } | null = null;
  items.forEach((item, index) => {
    const entry = readEntry(item);
    if (!entry || entry.by !== actor) return;
    if (!latest || compareEntries(entry, latest.entry) > 0) latest = { entry, index };
  });
  const found = latest as { entry: ActivityEntry; index: number } | null;
  const card = activityRef(cardId, title);
  if (
    found &&
    found.entry.kind === 'card.described' &&
    found.entry.card.id === cardId &&
    now >= found.entry.at &&
    now - found.entry.at < DESCRIPTION_EDIT_MERGE_MS
  ) {
    const { since, id } = found.entry;
    const activity = roots(doc).activity;
    activity.delete(found.index, 1);
    append(activity, encodeEntry({ kind: 'card.described', card, since, id, at: now, by: actor }));
    return;
  }
  recordActivity(doc, { actor, clock: () => now }, { kind: 'card.described', card, since: now });
}

/** Newest first: by time, then by id (B14.2). */
export function compareEntries(a: ActivityEntry, b: ActivityEntry): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The feed, newest first, at most `limit` entries (B14.2, B14.5): unreadable entries are skipped, an id seen
 * twice counts once (its first copy in the array, which is the same on every replica).
 */
export function readActivity(doc: Y.Doc, limit = ACTIVITY_LIMIT): ActivityEntry[] {
  const seen = new Set<string>();
  const entries: ActivityEntry[] = [];
  for (const item of roots(doc).activity.toArray()) {
    const entry = readEntry(item);
    if (!entry || seen.has(entry.id)) continue;
    seen.add(entry.id);
    entries.push(entry);
  }
  entries.sort((a, b) => compareEntries(b, a));
  return entries.length > limit ? entries.slice(0, limit) : entries;
}

/** Calls `listener` after every transaction that changed the feed. Returns an unsubscribe function. */
export function onActivityChange(doc: Y.Doc, listener: () => void): () => void {
  const activity = doc.getArray(ROOT.activity);
  const handle = () => listener();
  activity.observe(handle);
  return () => activity.unobserve(handle);
}

/**
 * B14.5: deletes the entries outside the newest `limit` once the feed holds more than
 * `activityPruneThreshold(limit)` items, in a transaction of its own: unreadable items and second copies of
 * an id, then the entries outside the newest `limit`. Returns whether it pruned.
 */
export function pruneActivity(doc: Y.Doc, limit = ACTIVITY_LIMIT): boolean {
  const activity = roots(doc).activity;
  if (activity.length <= activityPruneThreshold(limit)) return false;
  // What readers show (B14.2): the first copy of each readable id. The rest goes, then the oldest of those.
  const seen = new Set<string>();
  const shown: { entry: ActivityEntry; index: number }[] = [];
  const doomed: number[] = [];
  activity.toArray().forEach((item, index) => {
    const entry = readEntry(item);
    if (!entry || seen.has(entry.id)) {
      doomed.push(index);
      return;
    }
    seen.add(entry.id);
    shown.push({ entry, index });
  });
  shown.sort((a, b) => compareEntries(a.entry, b.entry));
  for (const { index } of shown.slice(0, Math.max(0, shown.length - limit))) doomed.push(index);
  doomed.sort((a, b) => b - a);
  if (doomed.length === 0) return false;
  doc.transact(() => {
    // Runs of neighbouring indexes go in one delete, from the end so earlier indexes stay valid.
    let i = 0;
    while (i < doomed.length) {
      const end = doomed[i] as number;
      let start = end;
      while (i + 1 < doomed.length && doomed[i + 1] === start - 1) {
        i++;
        start--;
      }
      activity.delete(start, end - start + 1);
      i++;
    }
  }, PRUNE_ORIGIN);
  return true;
}
