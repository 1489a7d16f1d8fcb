/** Sync statuses and a document handle whose status a test sets, for the status line's tests. */
import type { DocHandle, SyncStatus } from '../../../client/sync/types';

/** Online with everything stored, with what the test changes. */
export const syncStatus = (overrides: Partial<SyncStatus> = {}): SyncStatus => ({
  connection: 'online',
  pending: 0,
  saved: true,
  localLoaded: true,
  serverSynced: true,
  readOnly: false,
  retryAt: null,
  ...overrides,
});

/** A handle that reports `set` statuses to its listeners, as the sync layer does. */
export function fakeStatusHandle(initial: SyncStatus) {
  let status = initial;
  const listeners = new Set<(status: SyncStatus) => void>();
  const handle = {
    getStatus: () => status,
    onStatus(listener: (status: SyncStatus) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as DocHandle;
  return {
    handle,
    set(next: SyncStatus) {
      status = next;
      for (const listener of listeners) listener(next);
    },
  };
}
