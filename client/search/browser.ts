import { useEffect } from 'react';
import type * as Y from 'yjs';
import { SearchIndexer } from './indexer';
import { indexedDbRoomSource, type RoomSource } from './room-source';
import { indexedDbSearchStore, memorySearchStore } from './search-store';

/** Another catch-up within this long of the last one would find next to nothing new. */
const CATCH_UP_INTERVAL_MS = 10_000;

const noRooms: RoomSource = {
  list: async () => [],
  read: async () => {
    throw new Error('no IndexedDB in this browser');
  },
};

let indexer: SearchIndexer | null = null;
let lastCatchUp = Number.NEGATIVE_INFINITY;

/** The page's search index (one per page), over IndexedDB where the browser has it. */
export function searchIndexer(): SearchIndexer {
  if (indexer === null) {
    const hasIndexedDb = typeof indexedDB !== 'undefined' && typeof indexedDB.databases === 'function';
    indexer = new SearchIndexer(
      hasIndexedDb ? indexedDbSearchStore() : memorySearchStore(),
      hasIndexedDb ? indexedDbRoomSource() : noRooms,
    );
  }
  return indexer;
}

/** Brings the index up to date with the rooms held here, unless that was done a moment ago. */
export function catchUpIfStale(): Promise<void> {
  const now = Date.now();
  if (now - lastCatchUp < CATCH_UP_INTERVAL_MS) return Promise.resolve();
  lastCatchUp = now;
  return searchIndexer()
    .catchUp()
    .catch((error: unknown) => {
      // Search is a convenience: a broken database must not break the page. Try again next time.
      lastCatchUp = Number.NEGATIVE_INFINITY;
      console.warn('search index: catching up failed', error);
    });
}

/** Keeps the search index in step with a board open in this page. */
export function useBoardSearchIndexing(boardId: string, doc: Y.Doc): void {
  useEffect(() => searchIndexer().watchBoard(boardId, doc), [boardId, doc]);
}
