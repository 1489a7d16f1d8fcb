import { useMemo, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import { onBoardChange } from '../../shared/board';

interface Store<T> {
  subscribe: (onChange: () => void) => () => void;
  get: () => T;
}

// One store per document and reader, shared by every component that reads it (one re-read per change, not
// one per card tile).
const stores = new WeakMap<Y.Doc, Map<unknown, Store<unknown>>>();

/**
 * A value read from the board document, re-read after each change and kept (same object) while its `key`
 * is unchanged, so components re-render only when what they show changed. `read` must be a stable function.
 */
export function useDocValue<T>(doc: Y.Doc, read: (doc: Y.Doc) => T, key: (value: T) => string): T {
  const store = useMemo(() => {
    let perDoc = stores.get(doc);
    if (!perDoc) {
      perDoc = new Map();
      stores.set(doc, perDoc);
    }
    const existing = perDoc.get(read) as Store<T> | undefined;
    if (existing) return existing;
    let value = read(doc);
    let valueKey = key(value);
    const listeners = new Set<() => void>();
    let stop: (() => void) | null = null;
    const refresh = () => {
      const next = read(doc);
      if (next === value) return;
      const nextKey = key(next);
      if (nextKey === valueKey) return;
      value = next;
      valueKey = nextKey;
      for (const listener of listeners) listener();
    };
    const created: Store<T> = {
      subscribe: (onChange) => {
        listeners.add(onChange);
        if (!stop) {
          refresh();
          stop = onBoardChange(doc, refresh);
        }
        return () => {
          listeners.delete(onChange);
          if (listeners.size === 0 && stop) {
            stop();
            stop = null;
          }
        };
      },
      get: () => value,
    };
    perDoc.set(read, created as Store<unknown>);
    return created;
  }, [doc, read, key]);
  return useSyncExternalStore(store.subscribe, store.get);
}
