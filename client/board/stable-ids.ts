import { useRef } from 'react';

/**
 * `ids`, or the array returned last time when it holds the same ids in the same order. SortableContext
 * re-renders every sortable in it when its items array changes, even to an equal one: a board change that
 * leaves a list's ids as they were (an edit, a move elsewhere) must not.
 */
export function useStableIds(ids: string[]): string[] {
  const last = useRef<string[]>(ids);
  if (ids.length !== last.current.length || ids.some((id, i) => id !== last.current[i])) last.current = ids;
  return last.current;
}
