/**
 * What every intent function shares: the options, the input error, the one-transaction runner and the
 * small write and validation helpers. Intent functions live by entity beside this file (board, columns,
 * cards, labels, members). Each runs in exactly one `doc.transact(fn, origin)`, so a Yjs UndoManager
 * tracking the local origin undoes it as one step and never touches someone else's edit. Functions that act
 * on an existing thing return false (and change nothing) when it is gone, which is normal when a peer
 * deleted it a moment ago.
 */
import * as Y from 'yjs';
import type { Clock, Random } from '../ids';
import { type BoardRoots, roots } from '../schema';

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

export function run<T>(doc: Y.Doc, opts: MutationOptions | undefined, fn: (r: BoardRoots) => T): T {
  let result!: T;
  doc.transact(() => {
    result = fn(roots(doc));
  }, opts?.origin ?? null);
  return result;
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
