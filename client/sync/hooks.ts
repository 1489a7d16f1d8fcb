import { startTransition, useCallback, useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { descriptionsWaiting, onUnsavedChange, openDocument } from './browser';
import { type HeldValue, holdValue, sameStatus, savingEnded } from './held-status';
import type { DocHandle, SyncStatus } from './types';

/** Opens `room` while the component is mounted; null until the handle exists. */
export function useDocument(room: string | null): DocHandle | null {
  const [handle, setHandle] = useState<DocHandle | null>(null);
  useEffect(() => {
    if (room === null) return;
    const opened = openDocument(room);
    setHandle(opened);
    return () => {
      setHandle(null);
      opened.release();
    };
  }, [room]);
  return handle;
}

/**
 * The handle once its IndexedDB copy is in (null before): an editor opens on the local content, not empty, and a
 * change computed against the document (a restore) sees everything it holds.
 */
export function useLocalLoaded(handle: DocHandle | null): DocHandle | null {
  const [loaded, setLoaded] = useState<DocHandle | null>(null);
  useEffect(() => {
    if (handle === null) return;
    let current = true;
    void handle.whenLocalLoaded().then(() => {
      if (current) setLoaded(handle);
    });
    return () => {
      current = false;
    };
  }, [handle]);
  return loaded;
}

const NO_STATUS: SyncStatus = {
  connection: 'connecting',
  pending: 0,
  saved: false,
  localLoaded: false,
  serverSynced: false,
  readOnly: false,
  retryAt: null,
};

/** The document's sync status as the status line shows it ("Saved" once it has lasted a moment). */
export function useSyncStatus(handle: DocHandle | null): SyncStatus {
  const held = handle ? heldStatusOf(handle) : null;
  // Stable callbacks per handle, so the subscription is not renewed on every render.
  const subscribe = useCallback(
    (onChange: () => void) => (held ? held.subscribe(onChange) : () => {}),
    [held],
  );
  const read = useCallback(() => (held ? held.read() : NO_STATUS), [held]);
  return useStatusValue(subscribe, read);
}

const heldStatuses = new WeakMap<DocHandle, HeldValue<SyncStatus>>();

function heldStatusOf(handle: DocHandle): HeldValue<SyncStatus> {
  let held = heldStatuses.get(handle);
  if (!held) {
    held = holdValue(
      { read: () => handle.getStatus(), subscribe: (onChange) => handle.onStatus(onChange) },
      savingEnded,
      sameStatus,
    );
    heldStatuses.set(handle, held);
  }
  return held;
}

/**
 * How many of the board's descriptions (open or not) hold changes the server has not stored yet; back to none
 * is shown once it has lasted a moment (a keystroke in an open description is stored within milliseconds).
 */
export function useDescriptionsWaiting(boardId: string): number {
  const held = heldWaitingOf(boardId);
  const subscribe = useCallback((onChange: () => void) => held.subscribe(onChange), [held]);
  const read = useCallback(() => held.read(), [held]);
  return useStatusValue(subscribe, read);
}

const heldWaiting = new Map<string, HeldValue<number>>();

function heldWaitingOf(boardId: string): HeldValue<number> {
  let held = heldWaiting.get(boardId);
  if (!held) {
    held = holdValue(
      { read: () => descriptionsWaiting(boardId), subscribe: onUnsavedChange },
      (shown, next) => shown > 0 && next === 0,
      (a, b) => a === b,
    );
    heldWaiting.set(boardId, held);
  }
  return held;
}

/**
 * A status value, re-read when it changes and shown in a transition: the status changes with every edit
 * (pending, then stored), and rendering that inside the keystroke would put a React commit, and the
 * selection bookkeeping React does around a commit while a large contenteditable has the focus, between
 * the key and its frame. A transition renders it right after, without blocking the next key.
 */
function useStatusValue<T>(subscribe: (onChange: () => void) => () => void, read: () => T): T {
  const [state, setState] = useState(() => ({ read, value: read() }));
  useEffect(() => {
    const update = () =>
      startTransition(() =>
        setState((previous) => {
          const value = read();
          return previous.read === read && Object.is(previous.value, value) ? previous : { read, value };
        }),
      );
    update();
    return subscribe(update);
  }, [subscribe, read]);
  // A new source (another handle) is read at once, not one transition later.
  return state.read === read ? state.value : read();
}

export type AwarenessStates = ReadonlyMap<number, Record<string, unknown>>;

const NO_STATES: AwarenessStates = new Map();

/**
 * The awareness states of everyone in the room (ours included), re-read on every change.
 * Awareness mutates its map in place, so we keep a copy per change for React to compare.
 */
export function useAwarenessStates(awareness: Awareness | null): AwarenessStates {
  const [states, setStates] = useState<AwarenessStates>(() =>
    awareness ? new Map(awareness.getStates()) : NO_STATES,
  );
  useEffect(() => {
    if (awareness === null) {
      setStates(NO_STATES);
      return;
    }
    const read = () => setStates(new Map(awareness.getStates()));
    read();
    awareness.on('change', read);
    return () => awareness.off('change', read);
  }, [awareness]);
  return states;
}
