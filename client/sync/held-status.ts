/**
 * What the status line shows, from what the sync layer reports. Online, a change is durably stored a few
 * milliseconds after it is made, so the raw status goes "saving" and back to "saved" with every keystroke:
 * shown as is, the line would flicker while someone types, and each flicker is a render and a frame taken
 * from the typing. So "Saved" after saving is shown once it has lasted `SAVED_SHOWN_AFTER_MS`: while someone
 * types, the line stays on "Saving…" (one render at the first keystroke) and says "Saved" when they pause.
 * Everything else (a change not stored yet, offline, unreachable, refused, read-only, a retry time) is shown
 * at once, so the line never says "Saved" for a change the server has not stored.
 */
import type { SyncStatus } from './types';

/** Longer than the pause between two keystrokes, short enough for "Saved" to follow a pause at once. */
export const SAVED_SHOWN_AFTER_MS = 600;

export interface HeldValue<T> {
  read(): T;
  /** Calls `listener` when the shown value changes; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/**
 * The shown value of a source whose value changes with every edit: a change `isHeld(shown, next)` says is
 * only the end of saving is shown once it has lasted `holdMs`; a value equal to the shown one (`same`)
 * changes nothing.
 */
export function holdValue<T>(
  source: { read(): T; subscribe(onChange: () => void): () => void },
  isHeld: (shown: T, next: T) => boolean,
  same: (a: T, b: T) => boolean,
  holdMs = SAVED_SHOWN_AFTER_MS,
): HeldValue<T> {
  let shown = source.read();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const listeners = new Set<() => void>();
  let stop: (() => void) | null = null;
  const show = (next: T) => {
    if (same(shown, next)) {
      shown = next;
      return;
    }
    shown = next;
    for (const listener of [...listeners]) listener();
  };
  const onChange = () => {
    const next = source.read();
    if (isHeld(shown, next)) {
      timer ??= setTimeout(() => {
        timer = null;
        show(source.read());
      }, holdMs);
      return;
    }
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    show(next);
  };
  return {
    read: () => shown,
    subscribe(listener) {
      listeners.add(listener);
      if (stop === null) {
        stop = source.subscribe(onChange);
        // Nothing was followed while nobody listened: what is shown now is the source's value as it is.
        show(source.read());
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && stop !== null) {
          stop();
          stop = null;
          if (timer !== null) clearTimeout(timer);
          timer = null;
        }
      };
    },
  };
}

/** Online and saving, now with everything stored, nothing else different. */
export function savingEnded(shown: SyncStatus, next: SyncStatus): boolean {
  return (
    shown.connection === 'online' &&
    next.connection === 'online' &&
    !shown.saved &&
    next.saved &&
    shown.readOnly === next.readOnly &&
    shown.localLoaded === next.localLoaded &&
    shown.serverSynced === next.serverSynced &&
    shown.retryAt === next.retryAt
  );
}

export function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  return (
    a.connection === b.connection &&
    a.pending === b.pending &&
    a.saved === b.saved &&
    a.localLoaded === b.localLoaded &&
    a.serverSynced === b.serverSynced &&
    a.readOnly === b.readOnly &&
    a.retryAt === b.retryAt
  );
}
