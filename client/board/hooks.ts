import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { type BoardSnapshot, createBoardUndoManager, onBoardChange, readBoard } from '../../shared/board';
import { type BoardPresence, readBoardPresence } from '../../shared/presence';

/**
 * The board's immutable snapshot, re-read after every change. readBoard shares unchanged objects with the
 * previous snapshot, so memoised cards and columns only re-render when they changed.
 */
export function useBoard(doc: Y.Doc): BoardSnapshot {
  const store = useMemo(() => {
    let snapshot = readBoard(doc);
    return {
      subscribe: (onChange: () => void) => {
        const refresh = () => {
          const next = readBoard(doc, snapshot);
          if (next === snapshot) return;
          snapshot = next;
          onChange();
        };
        // Changes between the first read and this subscription would otherwise be missed.
        refresh();
        return onBoardChange(doc, refresh);
      },
      get: () => snapshot,
    };
  }, [doc]);
  return useSyncExternalStore(store.subscribe, store.get);
}

export interface PresenceEntry {
  clientId: number;
  presence: BoardPresence;
}

/** Everyone's board presence (ours included), one entry per awareness client (a person may have several tabs). */
export function usePresence(awareness: Awareness): readonly PresenceEntry[] {
  const read = useCallback(() => {
    const entries: PresenceEntry[] = [];
    for (const [clientId, state] of awareness.getStates()) {
      const presence = readBoardPresence(state);
      if (presence) entries.push({ clientId, presence });
    }
    return entries;
  }, [awareness]);
  const [entries, setEntries] = useState(read);
  useEffect(() => {
    const update = () => setEntries(read());
    update();
    awareness.on('change', update);
    return () => awareness.off('change', update);
  }, [awareness, read]);
  return entries;
}

export interface BoardUndo {
  /** Pass as `MutationOptions.origin` for every local intent. */
  origin: object;
  canUndo: boolean;
  canRedo: boolean;
  undo(): void;
  redo(): void;
}

/**
 * Per-user undo: a Yjs UndoManager that tracks only this view's own origin, so it never reverts an edit that
 * arrived from someone else.
 */
export function useBoardUndo(doc: Y.Doc): BoardUndo {
  const origin = useMemo(() => ({ boardView: doc.guid }), [doc]);
  const [manager, setManager] = useState<Y.UndoManager | null>(null);
  const [state, setState] = useState({ canUndo: false, canRedo: false });
  useEffect(() => {
    const undoManager = createBoardUndoManager(doc, origin);
    const update = () => setState({ canUndo: undoManager.canUndo(), canRedo: undoManager.canRedo() });
    undoManager.on('stack-item-added', update);
    undoManager.on('stack-item-popped', update);
    undoManager.on('stack-cleared', update);
    setManager(undoManager);
    update();
    return () => {
      undoManager.destroy();
      setManager(null);
    };
  }, [doc, origin]);
  return useMemo(
    () => ({
      origin,
      ...state,
      undo: () => manager?.undo(),
      redo: () => manager?.redo(),
    }),
    [origin, state, manager],
  );
}
