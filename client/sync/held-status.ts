/**
 * What the status line shows, from what the sync layer reports. Online, a change is durably stored a few
 * milliseconds after it is made, so the raw status goes "saving" and back to "saved" with every keystroke:
 * shown as is, the line would flicker while someone types, and each flicker is a render and a frame taken
 * from the typing. A change that starts saving is therefore shown only if it is still not stored after
 * `SAVING_SHOWN_AFTER_MS`; everything else (stored, offline, unreachable, refused, read-only, a retry
 * time) is shown at once.
 */
import type { SyncStatus } from './types';

/** Longer than a stored write's round trip on a working connection, short enough to say "Saving…" in time. */
export const SAVING_SHOWN_AFTER_MS = 600;

export interface HeldValue<T> {
  read(): T;
  /** Calls `listener` when the shown value changes; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/**
 * The shown value of a source whose value changes with every edit: a change `isStart(shown, next)` says is
 * only the start of saving is shown once it has lasted `holdMs`; a value equal to the shown one
 * (`same`) changes nothing.
 */
export function holdValue<T>(
  source: { read(): T; subscribe(onChange: () => void): () => void },
  isStart: (shown: T, next: T) => boolean,
  same: (a: T, b: T) => boolean,
  holdMs = SAVING_SHOWN_AFTER_MS,
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
    if (isStart(shown, next)) {
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

/** Online and stored before, now with changes not stored yet, nothing else different. */
export function savingStarted(shown: SyncStatus, next: SyncStatus): boolean {
  return (
    shown.connection === 'online' &&
    next.connection === 'online' &&
    shown.saved &&
    !next.saved &&
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
