import { useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import { type BoardSnapshot, onBoardChange, readBoard } from '../../shared/board';

const snapshots = new WeakMap<Y.Doc, BoardSnapshot>();

/** The board's immutable snapshot, re-read on every change (structurally shared by readBoard). */
export function useBoardSnapshot(doc: Y.Doc): BoardSnapshot {
  return useSyncExternalStore(
    (onChange) =>
      onBoardChange(doc, () => {
        snapshots.set(doc, readBoard(doc, snapshots.get(doc)));
        onChange();
      }),
    () => {
      let snapshot = snapshots.get(doc);
      if (snapshot === undefined) {
        snapshot = readBoard(doc);
        snapshots.set(doc, snapshot);
      }
      return snapshot;
    },
  );
}
