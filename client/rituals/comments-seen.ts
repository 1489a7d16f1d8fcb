/**
 * Which comments this browser has shown, per board and card (the unread mark is per browser, not per
 * person): localStorage, with a listener set so tiles update when a thread is read here.
 */
import { useSyncExternalStore } from 'react';
import { readJson, writeJson } from '../app/local-store';

type Seen = Record<string, string[]>;

const key = (boardId: string) => `trellis.comments-seen.${boardId}`;
const listeners = new Set<() => void>();
const cache = new Map<string, Seen>();

function parse(value: unknown): Seen | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const seen: Seen = {};
  for (const [cardId, ids] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(ids)) seen[cardId] = ids.filter((id): id is string => typeof id === 'string');
  }
  return seen;
}

function load(boardId: string): Seen {
  let seen = cache.get(boardId);
  if (!seen) {
    seen = readJson(key(boardId), parse) ?? {};
    cache.set(boardId, seen);
  }
  return seen;
}

/** Records that these comments of the card were shown here (only the card's current ones are kept). */
export function markCommentsSeen(boardId: string, cardId: string, commentIds: readonly string[]): void {
  const seen = load(boardId);
  const before = seen[cardId] ?? [];
  if (before.length === commentIds.length && commentIds.every((id) => before.includes(id))) return;
  const next = { ...seen, [cardId]: [...commentIds] };
  cache.set(boardId, next);
  writeJson(key(boardId), next);
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The ids of the card's comments shown in this browser. */
export function useSeenComments(boardId: string, cardId: string): readonly string[] {
  return useSyncExternalStore(subscribe, () => load(boardId)[cardId] ?? EMPTY);
}

const EMPTY: readonly string[] = [];
