import { webStorageAckStore } from './durable';
import type { NetworkSignal } from './network';
import { createDocumentRegistry, type DocumentRegistry } from './open-document';
import type { DocHandle } from './types';

/** The sync server serves the app too, so by default it is the page's own host (ws/wss). */
export function defaultServerUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

/** Follows the browser's `online`/`offline` events. */
export function browserNetwork(): NetworkSignal {
  return {
    isOnline: () => navigator.onLine,
    onChange(listener) {
      const goOnline = () => listener(true);
      const goOffline = () => listener(false);
      window.addEventListener('online', goOnline);
      window.addEventListener('offline', goOffline);
      return () => {
        window.removeEventListener('online', goOnline);
        window.removeEventListener('offline', goOffline);
      };
    },
  };
}

const RELEASE_DELAY_MS = 2_000;

let registry: DocumentRegistry | null = null;

function browserRegistry(): DocumentRegistry {
  if (registry === null) {
    const configured = import.meta.env.VITE_SYNC_URL as string | undefined;
    registry = createDocumentRegistry({
      serverUrl: configured || defaultServerUrl(window.location),
      network: browserNetwork(),
      ackStore: webStorageAckStore(window.localStorage),
      releaseDelayMs: RELEASE_DELAY_MS,
    });
  }
  return registry;
}

/**
 * Opens the room's document in this page; the same room opened twice shares one Y.Doc.
 * Call `release()` on the handle when done.
 */
export function openDocument(room: string): DocHandle {
  return browserRegistry().open(room);
}
