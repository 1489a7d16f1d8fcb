import { useEffect } from 'react';
import { purgeExpired } from '../../shared/board';
import { type DocHandle, useSyncStatus } from '../sync';

/** How often an open board looks for things that have been in the trash long enough (B15.4). */
export const EXPIRY_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Purges what has been in the trash for the board's retention period, when the board opens and hourly.
 * Only once this copy has caught up with the server: a purge wins over a concurrent restore (B15.4), so a
 * copy that was offline for a month must first hear of the restores made meanwhile. A read-only viewer
 * never purges (the server would drop it).
 */
export function useTrashExpiry(handle: DocHandle, readOnly: boolean): void {
  const status = useSyncStatus(handle);
  const caughtUp = status.serverSynced && status.connection === 'online';
  useEffect(() => {
    if (readOnly || !caughtUp) return;
    const run = () => purgeExpired(handle.doc);
    run();
    const timer = setInterval(run, EXPIRY_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [handle, readOnly, caughtUp]);
}
