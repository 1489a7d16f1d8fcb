/**
 * What every intent function shares: the options, the input error, the one-transaction runner and the
 * small write and validation helpers. Intent functions live by entity beside this file (board, columns,
 * cards, labels, members). Each runs in exactly one `doc.transact(fn, origin)`, so a Yjs UndoManager
 * tracking the local origin undoes it as one step and never touches someone else's edit. Functions that act
 * on an existing thing return false (and change nothing) when it is gone, which is normal when a peer
 * deleted it a moment ago.
 */
import * as Y from 'yjs';
import { ACTIVITY_LIMIT, type ActivityDetail, pruneActivity, recordActivity } from '../activity';
import type { Clock, Random } from '../ids';
import { type BoardRoots, roots } from '../schema';

export interface MutationOptions {
  /** The transaction origin. Pass the origin your UndoManager tracks (see createBoardUndoManager). */
  origin?: unknown;
  /** Source of randomness for ids and order keys (default Math.random). */
  random?: Random;
  /** Source of time (default Date.now). */
  clock?: Clock;
  /** Member id of the person acting: the activity feed's "who" (B14.1). addCard falls back to `createdBy`. */
  actor?: string;
  /** Entries the activity feed keeps (default ACTIVITY_LIMIT, B14.5). */
  activityLimit?: number;
}

export class BoardInputError extends Error {
  override name = 'BoardInputError';
}

/**
 * Runs an intent in one transaction; then, unless it ran inside someone's larger transaction, prunes the
 * activity feed if it grew past its bound (B14.5: in a transaction of its own, so undo never brings pruned
 * entries back).
 */
export function run<T>(doc: Y.Doc, opts: MutationOptions | undefined, fn: (r: BoardRoots) => T): T {
  let result!: T;
  const nested = doc._transaction !== null;
  doc.transact(() => {
    result = fn(roots(doc));
  }, opts?.origin ?? null);
  if (!nested) pruneActivity(doc, opts?.activityLimit ?? ACTIVITY_LIMIT);
  return result;
}

/** Records a feed entry for the change being made (B14.1), with the intent's actor and clock. */
export function note(
  doc: Y.Doc,
  opts: MutationOptions | undefined,
  detail: ActivityDetail,
  fixedId?: string,
): void {
  recordActivity(doc, { actor: opts?.actor, clock: opts?.clock }, detail, fixedId);
}

export function newMap(fields: Record<string, unknown>): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) map.set(key, value);
  return map;
}

export function setIfChanged(
  map: Y.Map<unknown>,
  key: string,
  value: string | number | boolean | null,
): boolean {
  if (map.has(key) && map.get(key) === value) return false;
  map.set(key, value);
  return true;
}

export function clampIndex(index: number, length: number): number {
  return Math.max(0, Math.min(Number.isFinite(index) ? Math.trunc(index) : length, length));
}

export function cleanText(text: string, max: number, what: string): string {
  const clean = text.trim();
  if (clean === '') throw new BoardInputError(`${what} must not be empty`);
  if (clean.length > max) throw new BoardInputError(`${what} is longer than ${max} characters`);
  return clean;
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export function cleanColor(color: string): string {
  if (!HEX_COLOR.test(color))
    throw new BoardInputError(`colour must be #rrggbb, got ${JSON.stringify(color)}`);
  return color.toLowerCase();
}
