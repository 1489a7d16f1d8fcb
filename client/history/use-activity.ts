import { useMemo, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import { type ActivityEntry, onActivityChange, readActivity } from '../../shared/board';

/**
 * The board's activity feed, newest first (B14.2), re-read after each change to the feed only: reading it
 * sorts up to 2,000 entries, which a change elsewhere on the board does not need.
 */
export function useActivity(doc: Y.Doc): readonly ActivityEntry[] {
  const store = useMemo(() => {
    let entries = readActivity(doc);
    return {
      subscribe: (onChange: () => void) => {
        const refresh = () => {
          entries = readActivity(doc);
          onChange();
        };
        // A change between the first read and this subscription would otherwise be missed.
        refresh();
        return onActivityChange(doc, refresh);
      },
      get: () => entries,
    };
  }, [doc]);
  return useSyncExternalStore(store.subscribe, store.get);
}
