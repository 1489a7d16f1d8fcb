/**
 * Ordering of columns and of cards within a column: fractional-index keys
 * (https://observablehq.com/@dgreensp/implementing-fractional-indexing) compared as plain strings,
 * ties broken by id. Concurrent inserts at the same place produce equal keys; the id tie-break gives
 * every replica the same order, and `orderKeyAt` never asks the library for a key between two equal
 * keys (it throws on that).
 */
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import type { Random } from './ids';

export interface Ordered {
  readonly id: string;
  readonly order: string;
}

/** Code-unit comparison, which is the order fractional-indexing keys are designed for (not localeCompare). */
export function compareByOrder(a: Ordered, b: Ordered): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/**
 * New keys are picked at random among this many evenly spaced candidates, so two people inserting at the
 * same place at the same time rarely produce equal keys (ties are still handled; this just keeps them rare).
 */
export const KEY_JITTER_CANDIDATES = 4;

/**
 * A key that puts an item at `index` among `siblings`, which must be sorted by `compareByOrder` and must
 * not contain the item itself. When the neighbours at `index` share one key (after concurrent inserts),
 * no key sorts strictly between them, so the item goes to whichever edge of that run of equal keys is
 * nearer to `index` — rewriting the neighbours' keys instead would overwrite their concurrent moves.
 */
export function orderKeyAt(siblings: readonly Ordered[], index: number, random: Random): string {
  const at = Math.max(0, Math.min(Math.trunc(index), siblings.length));
  let lower = siblings[at - 1]?.order ?? null;
  let upper = siblings[at]?.order ?? null;
  if (lower !== null && upper !== null && lower >= upper) {
    const tied = lower;
    let runStart = at - 1;
    while (runStart > 0 && siblings[runStart - 1]?.order === tied) runStart--;
    let runEnd = at;
    while (runEnd + 1 < siblings.length && siblings[runEnd + 1]?.order === tied) runEnd++;
    if (at - runStart <= runEnd + 1 - at) {
      lower = siblings[runStart - 1]?.order ?? null;
      upper = tied;
    } else {
      lower = tied;
      upper = siblings[runEnd + 1]?.order ?? null;
    }
  }
  return keyBetween(lower, upper, random);
}

/**
 * A key strictly between `lower` and `upper` (null = open end). A bound that is not a valid key (written
 * by a buggy or future peer) is dropped rather than failing the user's action; the item then lands at
 * that end, which is the best a corrupt neighbour allows.
 */
export function keyBetween(lower: string | null, upper: string | null, random: Random): string {
  const [a, b] = validBounds(lower, upper);
  const candidates = generateNKeysBetween(a, b, KEY_JITTER_CANDIDATES);
  const pick = Math.floor(random() * candidates.length) % candidates.length;
  return candidates[pick] ?? generateKeyBetween(a, b);
}

function validBounds(lower: string | null, upper: string | null): [string | null, string | null] {
  if (lower === null || upper === null || lower < upper) {
    try {
      generateKeyBetween(lower, upper);
      return [lower, upper];
    } catch {
      // fall through: find out which bound is bad
    }
  }
  const a = lower !== null && isValidKey(lower) ? lower : null;
  const b = upper !== null && isValidKey(upper) ? upper : null;
  return a !== null && b !== null && a >= b ? [a, null] : [a, b];
}

function isValidKey(key: string): boolean {
  try {
    generateKeyBetween(key, null);
    return true;
  } catch {
    return false;
  }
}

/** `n` ascending keys for a fresh list (deterministic: used for default columns). */
export function initialKeys(n: number): string[] {
  return generateNKeysBetween(null, null, n);
}
