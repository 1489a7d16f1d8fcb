import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { type BoardSnapshot, createBoardUndoManager, onBoardChange, readBoard } from '../../shared/board';
import { type BoardPresence, readBoardPresence } from '../../shared/presence';

/**
 * The board's immutable snapshot, re-read after every change. readBoard shares unchanged objects with the
 * previous snapshot, so memoised cards and columns only re-render when they changed. Every component of the
 * page showing one board shares one reading per change (the toolbar, the view, the activity feed…).
 */
export function useBoard(doc: Y.Doc): BoardSnapshot {
  const store = boardStore(doc);
  return useSyncExternalStore(store.subscribe, store.get);
}

interface BoardStore {
  subscribe: (onChange: () => void) => () => void;
  get: () => BoardSnapshot;
}

const boardStores = new WeakMap<Y.Doc, BoardStore>();

function boardStore(doc: Y.Doc): BoardStore {
  const existing = boardStores.get(doc);
  if (existing) return existing;
  let snapshot = readBoard(doc);
  const listeners = new Set<() => void>();
  let stop: (() => void) | null = null;
  const refresh = () => {
    const next = readBoard(doc, snapshot);
    if (next === snapshot) return;
    snapshot = next;
    for (const listener of [...listeners]) listener();
  };
  const store: BoardStore = {
    subscribe: (onChange) => {
      listeners.add(onChange);
      if (stop === null) {
        // Changes while nobody listened would otherwise be missed.
        refresh();
        stop = onBoardChange(doc, refresh);
      }
      return () => {
        listeners.delete(onChange);
        if (listeners.size === 0 && stop !== null) {
          stop();
          stop = null;
        }
      };
    },
    get: () => snapshot,
  };
  boardStores.set(doc, store);
  return store;
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
