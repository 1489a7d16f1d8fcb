import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { TOKEN_PARAM } from '../../shared/protocol';
import type { AccessCheck } from './access';
import { BackgroundSync } from './background';
import type { BackoffPolicy } from './backoff';
import { type AckStore, memoryAckStore } from './durable';
import { MuxSocket } from './mux-socket';
import { alwaysOnline, type NetworkSignal } from './network';
import { memoryPendingStore } from './pending-store';
import { realTimers, type Timers } from './reconnect';
import { SyncedDocument } from './synced-document';
import type { DocHandle } from './types';
import { UnsavedDocuments } from './unsaved';

export interface SyncConfig {
  /** `ws://host:port` (no trailing room); the room is appended as the URL path. */
  serverUrl: string;
  /** Node has no global WebSocket before v22: pass `ws`'s class there. */
  WebSocketPolyfill?: ProviderOptions['WebSocketPolyfill'];
  /** Cross-tab BroadcastChannel sync; Node tests must disable it. */
  disableBc: boolean;
  /** Keep each document in IndexedDB (needs `indexedDB`, real or fake). */
  indexedDb: boolean;
  network: NetworkSignal;
  random: () => number;
  timers: Timers;
  ackStore: AckStore;
  backoff?: BackoffPolicy;
  /**
   * Ask the server for its state this often (0 = never). The server does not echo a client's own
   * awareness, so a lone idle client would otherwise hear nothing and y-websocket's 30 s
   * no-message watchdog would drop and redial the socket. Needs a global `WebSocket` (browsers).
   */
  resyncIntervalMs: number;
  /** After a refused connection, asks whether access was denied (see access.ts). */
  accessCheck?: AccessCheck;
  /** Extra URL parameters per room, e.g. the access token of the room's board. */
  paramsFor?: (room: string) => Record<string, string>;
  /**
   * A released document stays open this long, so a quick re-open (React StrictMode runs effects
   * twice; navigating back) reuses it instead of reloading IndexedDB and reconnecting.
   */
  releaseDelayMs: number;
  /**
   * Which documents hold changes made here that the server has not stored, kept across reloads (IndexedDB in
   * the browser). Documents in it that nothing has open are synced in the background.
   */
  unsaved: UnsavedDocuments;
  /** At most this many documents connect at once for the background sync. */
  backgroundSlots: number;
  /**
   * Transactions with this origin are written by the app on the person's behalf (a card's preview): they
   * must reach the server like any change, but are not counted as a change the person made.
   */
  isDerivedOrigin?: (origin: unknown) => boolean;
  /**
   * A document nothing had open was synced in the background and the server stored every change made
   * here; called before it is closed (e.g. to bring a card's preview in line with its converged description).
   */
  onSavedInBackground?: (room: string, doc: Y.Doc) => void;
  /**
   * Carry every document over one websocket per token (the server's `/_mux`, sync-server/SPEC.md
   * S14) instead of one per document; with a server that has no `/_mux`, one plain socket per
   * document (mux-socket.ts). Off: a stock y-websocket provider per document.
   */
  sharedSocket?: boolean;
  /** Set by the registry when `sharedSocket` is on: the shared socket for a document's parameters. */
  socketFor?: (params: Record<string, string>) => MuxSocket;
}

export interface DocumentRegistry {
  open(room: string): DocHandle;
  /** Rooms currently held open (including ones waiting out their release delay). */
  openRooms(): string[];
  /** Destroys every document now, whatever its reference count (tests, page unload). */
  destroyAll(): void;
  /**
   * Re-reads `paramsFor` for every open document (e.g. a new share-link token) for its next
   * connection, and retries the ones the server had refused.
   */
  refreshParams(): void;
  /** Every document waiting to retry its connection tries now ("Retry now"). */
  retryNow(): void;
  /** The record of documents with unsaved changes (open or not). */
  readonly unsaved: UnsavedDocuments;
  /** Documents the background sync holds: connected (`active`) or waiting for a slot (`parked`). */
  backgroundRooms(): { active: string[]; parked: string[] };
}

type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>;

/** Background sync connects this many documents at once (an open one in the UI does not count). */
const BACKGROUND_SLOTS = 3;

export function createDocumentRegistry(
  options: Partial<SyncConfig> & { serverUrl: string },
): DocumentRegistry {
  const config: SyncConfig = {
    disableBc: false,
    indexedDb: true,
    network: alwaysOnline,
    random: Math.random,
    timers: realTimers,
    ackStore: memoryAckStore(),
    releaseDelayMs: 0,
    resyncIntervalMs: 0,
    unsaved: options.unsaved ?? new UnsavedDocuments(memoryPendingStore()),
    backgroundSlots: BACKGROUND_SLOTS,
    ...options,
  };
  const documents = new Map<string, SyncedDocument>();
  // One shared socket per token: the server checks a socket's token against each room it joins.
  const sockets = new Map<string, MuxSocket>();
  if (config.sharedSocket) {
    config.socketFor = (params) => {
      const token = params[TOKEN_PARAM] ?? '';
      let socket = sockets.get(token);
      if (socket === undefined) {
        socket = new MuxSocket({
          serverUrl: config.serverUrl,
          token: token || null,
          // Each document's ReconnectController retries (with the page's network signal and
          // backoff); the first to do so reopens the socket for all.
          autoReconnect: false,
          ...(config.WebSocketPolyfill ? { WebSocketImpl: config.WebSocketPolyfill } : {}),
        });
        sockets.set(token, socket);
      }
      return socket;
    };
  }

  const cancelRelease = (entry: SyncedDocument) => {
    if (entry.releaseTimer === null) return;
    config.timers.clearTimeout(entry.releaseTimer);
    entry.releaseTimer = null;
  };

  const close = (entry: SyncedDocument) => {
    cancelRelease(entry);
    entry.destroy();
    if (documents.get(entry.room) === entry) documents.delete(entry.room);
    // A recorded room closed before its record was read back can now be loaded by the queue.
    background.pump();
  };

  const background: BackgroundSync<SyncedDocument> = new BackgroundSync({
    maxActive: config.backgroundSlots,
    network: config.network,
    recorded: () => config.unsaved.rooms(),
    onRecordedChange: (listener) => config.unsaved.onChange(listener),
    isOpenInUi: (room) => (documents.get(room)?.refs ?? 0) > 0,
    load(room) {
      let entry = documents.get(room);
      if (entry === undefined) {
        entry = new SyncedDocument(room, config);
        documents.set(room, entry);
      }
      cancelRelease(entry);
      return entry;
    },
    finish(entry, settled) {
      if (settled) config.onSavedInBackground?.(entry.room, entry.doc);
      if (entry.refs === 0) close(entry);
    },
  });

  const releaseLast = (entry: SyncedDocument) => {
    // A document with changes the server has not stored stays until it has (see background.ts).
    if (entry.ownUnsaved && !entry.isRefused()) {
      background.adopt(entry);
    } else if (config.releaseDelayMs <= 0) {
      close(entry);
    } else {
      entry.releaseTimer = config.timers.setTimeout(() => {
        entry.releaseTimer = null;
        if (entry.refs === 0) close(entry);
      }, config.releaseDelayMs);
    }
  };

  return {
    open(room) {
      let entry = documents.get(room);
      if (entry === undefined) {
        entry = new SyncedDocument(room, config);
        documents.set(room, entry);
      } else {
        background.take(room);
      }
      cancelRelease(entry);
      entry.refs += 1;
      const opened = entry;
      return createHandle(opened, () => {
        opened.refs -= 1;
        if (opened.refs === 0) releaseLast(opened);
      });
    },
    openRooms: () => [...documents.keys()],
    refreshParams() {
      for (const entry of documents.values()) entry.refreshParams();
    },
    retryNow() {
      for (const entry of documents.values()) entry.reconnect.retryNow();
      background.pump();
    },
    unsaved: config.unsaved,
    backgroundRooms: () => ({ active: background.activeRooms(), parked: background.parkedRooms() }),
    destroyAll() {
      background.destroy();
      for (const entry of [...documents.values()]) close(entry);
      for (const socket of sockets.values()) socket.destroy();
      sockets.clear();
    },
  };
}

/** Each `open` gets its own handle, so releasing one twice cannot drop another's reference. */
function createHandle(entry: SyncedDocument, releaseOnce: () => void): DocHandle {
  let released = false;
  return {
    room: entry.room,
    doc: entry.doc,
    awareness: entry.awareness,
    provider: entry.provider,
    getStatus: () => entry.getStatus(),
    onStatus: (listener) => entry.onStatus(listener),
    whenLocalLoaded: () => entry.whenLocalLoaded(),
    isRemoteOrigin: (origin) => entry.isRemoteOrigin(origin),
    release() {
      if (released) return;
      released = true;
      releaseOnce();
    },
  };
}
