import type * as Y from 'yjs';
import { isDerivedWrite } from '../../shared/description-summary';
import { TOKEN_PARAM } from '../../shared/protocol';
import { boardOfRoom, parseRoom } from '../../shared/room-names';
import { httpAccessCheck } from './access';
import { webStorageAckStore } from './durable';
import type { NetworkSignal } from './network';
import { createDocumentRegistry, type DocumentRegistry } from './open-document';
import { indexedDbPendingStore, memoryPendingStore } from './pending-store';
import type { DocHandle } from './types';
import { UnsavedDocuments } from './unsaved';

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

const TOKENS_KEY = 'trellis.board-tokens';

function readTokens(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(TOKENS_KEY) ?? '{}');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** The access token a share link carried for this board (a description room uses its board's). */
export function boardToken(boardId: string): string | null {
  const token = readTokens()[boardId];
  return typeof token === 'string' && token !== '' ? token : null;
}

/** Keeps a share link's token for the board; call before opening the board's documents. */
export function rememberBoardToken(boardId: string, token: string): void {
  try {
    window.localStorage.setItem(TOKENS_KEY, JSON.stringify({ ...readTokens(), [boardId]: token }));
  } catch {
    // Without storage the token cannot outlive the page; the link still works when reopened.
  }
  // A board already open (perhaps refused with an expired token) uses the new token from now on.
  registry?.refreshParams();
}

const RELEASE_DELAY_MS = 2_000;
/** Well under y-websocket's 30 s no-message watchdog (see SyncConfig.resyncIntervalMs). */
const RESYNC_INTERVAL_MS = 12_000;

let registry: DocumentRegistry | null = null;
const savedInBackground = new Set<(room: string, doc: Y.Doc) => void>();

function browserRegistry(): DocumentRegistry {
  if (registry === null) {
    const configured = import.meta.env.VITE_SYNC_URL as string | undefined;
    const serverUrl = configured || defaultServerUrl(window.location);
    registry = createDocumentRegistry({
      serverUrl,
      accessCheck: httpAccessCheck(serverUrl),
      network: browserNetwork(),
      ackStore: webStorageAckStore(window.localStorage),
      unsaved: new UnsavedDocuments('indexedDB' in window ? indexedDbPendingStore() : memoryPendingStore()),
      isDerivedOrigin: isDerivedWrite,
      onSavedInBackground(room, doc) {
        for (const listener of [...savedInBackground]) listener(room, doc);
      },
      releaseDelayMs: RELEASE_DELAY_MS,
      resyncIntervalMs: RESYNC_INTERVAL_MS,
      // One socket for the board, its open descriptions and the background sync (per token).
      sharedSocket: true,
      paramsFor(room): Record<string, string> {
        const boardId = boardOfRoom(room);
        const token = boardId === null ? null : boardToken(boardId);
        return token === null ? {} : { [TOKEN_PARAM]: token };
      },
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

/**
 * Starts syncing, in the background, every document this browser holds unsaved changes of (from before a
 * reload or a browser restart too), whatever page is shown. Call once at startup.
 */
export function startBackgroundSync(): void {
  browserRegistry();
}

/** Every document waiting to retry its connection tries now. */
export function retryNow(): void {
  browserRegistry().retryNow();
}

/** How many of the board's card descriptions hold changes the server has not stored, open or not. */
export function descriptionsWaiting(boardId: string): number {
  let count = 0;
  for (const room of browserRegistry().unsaved.rooms()) {
    const parsed = parseRoom(room);
    if (parsed.kind === 'description' && parsed.boardId === boardId) count += 1;
  }
  return count;
}

/** Called whenever the record of documents with unsaved changes changes; returns an unsubscribe function. */
export function onUnsavedChange(listener: () => void): () => void {
  return browserRegistry().unsaved.onChange(listener);
}

/**
 * Called when a document nothing had open was synced in the background and every change made here is
 * stored, just before it is closed; returns an unsubscribe function.
 */
export function onSavedInBackground(listener: (room: string, doc: Y.Doc) => void): () => void {
  savedInBackground.add(listener);
  return () => savedInBackground.delete(listener);
}
