import { IndexeddbPersistence } from 'y-indexeddb';
import * as authProtocol from 'y-protocols/auth';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { DURABLE_ACK_PARAM, MessageType, TOKEN_PARAM } from '../../shared/protocol';
import type { AccessAnswer, AccessCheck } from './access';
import { bumpAwarenessClock } from './awareness-bump';
import type { BackoffPolicy } from './backoff';
import { type AckStore, countUnstored, memoryAckStore, readDurableAck, type StateVector } from './durable';
import { alwaysOnline, type NetworkSignal } from './network';
import { type DeniedReason, ReconnectController, realTimers, type Timers } from './reconnect';
import type { ConnectionState, DocHandle, SyncStatus } from './types';

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
}

type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>;

const IDB_PREFIX = 'trellis:';

/** Delete-only transactions leave the state vector unchanged, so they are tracked apart. */
type DeleteState = 'none' | 'unsent' | 'sent';

class SyncedDocument {
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  readonly provider: WebsocketProvider;
  readonly reconnect: ReconnectController;
  refs = 0;
  releaseTimer: unknown = null;
  private readonly indexedDb: IndexeddbPersistence | null;
  private readonly localLoaded: Promise<void>;
  private isLocalLoaded = false;
  private durable: StateVector | null;
  private deletes: DeleteState = 'none';
  private readOnly = false;
  private status: SyncStatus;
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private destroyed = false;

  constructor(
    readonly room: string,
    private readonly config: SyncConfig,
  ) {
    this.durable = config.ackStore.load(room);
    this.awareness = new Awareness(this.doc);
    this.provider = new WebsocketProvider(config.serverUrl, room, this.doc, {
      connect: false,
      awareness: this.awareness,
      params: connectionParams(config, room),
      disableBc: config.disableBc,
      // Our ReconnectController schedules retries; the provider's own timer must be a no-op that
      // fires first (see reconnect.ts).
      maxBackoffTime: 0,
      resyncInterval: config.resyncIntervalMs > 0 ? config.resyncIntervalMs : -1,
      ...(config.WebSocketPolyfill ? { WebSocketPolyfill: config.WebSocketPolyfill } : {}),
    });
    this.provider.messageHandlers[MessageType.durableAck] = (_encoder, decoder) =>
      this.handleDurableAck(decoder);
    this.provider.messageHandlers[MessageType.auth] = (_encoder, decoder) => {
      authProtocol.readAuthMessage(decoder, this.doc, (_doc, reason) => {
        this.reconnect.deny({ code: 0, reason });
      });
    };
    this.reconnect = new ReconnectController(this.provider, {
      network: config.network,
      random: config.random,
      timers: config.timers,
      ...(config.backoff ? { backoff: config.backoff } : {}),
      onChange: () => this.update(),
      ...(config.accessCheck ? { checkAccess: () => this.askAccess().then(refusalOf) } : {}),
    });
    this.provider.on('status', ({ status }) => {
      // y-websocket emits `connected` before it sends our awareness state: bump first (#122).
      if (status === 'connected') {
        bumpAwarenessClock(this.awareness);
        // With a token, learn whether it lets us write (a read-only link's edits are dropped).
        if (TOKEN_PARAM in this.provider.params) {
          void this.askAccess().then((answer) => {
            if (answer?.ok && answer.readOnly !== this.readOnly) {
              this.readOnly = answer.readOnly;
              this.update();
            }
          });
        }
      }
      this.update();
    });
    this.provider.on('sync', (synced) => {
      if (synced && this.deletes === 'unsent') this.deletes = 'sent';
      this.update();
    });
    this.doc.on('afterTransaction', (transaction) => {
      if (transaction.local && transaction.deleteSet.clients.size > 0) {
        if (sameVector(transaction.beforeState, transaction.afterState)) {
          this.deletes = this.provider.synced ? 'sent' : 'unsent';
        }
      }
    });
    this.doc.on('update', () => this.update());

    // Some browsers have no IndexedDB at all (disabled by policy): work without a local copy.
    if (config.indexedDb && 'indexedDB' in globalThis) {
      const persistence = new IndexeddbPersistence(IDB_PREFIX + room, this.doc);
      this.indexedDb = persistence;
      const markLoaded = () => {
        this.isLocalLoaded = true;
        this.update();
      };
      this.localLoaded = Promise.race([
        persistence.whenSynced.then(markLoaded),
        // IndexedDB refused (private mode, quota): go on without the local copy rather than wait forever.
        persistence._db.then(
          () => new Promise<void>(() => {}),
          (error: unknown) => {
            console.warn(`Trellis: no local copy of ${room} (IndexedDB unavailable)`, error);
            markLoaded();
          },
        ),
      ]);
    } else {
      this.indexedDb = null;
      this.isLocalLoaded = true;
      this.localLoaded = Promise.resolve();
    }
    this.status = this.computeStatus();
    this.reconnect.start();
  }

  getStatus(): SyncStatus {
    return this.status;
  }

  refreshParams(): void {
    this.provider.params = connectionParams(this.config, this.room);
    if (this.reconnect.denied !== null && this.refs > 0) {
      this.reconnect.start();
      this.update();
    }
  }

  whenLocalLoaded(): Promise<void> {
    return this.localLoaded;
  }

  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.listeners.clear();
    // disconnect() inside tells peers we left (awareness null) while the socket is still open.
    this.reconnect.destroy();
    this.provider.destroy();
    this.awareness.destroy();
    this.indexedDb?.destroy();
    this.doc.destroy();
  }

  private askAccess(): Promise<AccessAnswer | null> {
    const check = this.config.accessCheck;
    return check ? check(this.room, this.provider.params).catch(() => null) : Promise.resolve(null);
  }

  private handleDurableAck(decoder: Parameters<WebsocketProvider['messageHandlers'][number]>[1]): void {
    // The server's vector is the truth for what it stores (it may have lost data); no merging.
    this.durable = readDurableAck(decoder);
    this.config.ackStore.save(this.room, this.durable);
    if (this.deletes === 'sent' && this.provider.synced) this.deletes = 'none';
    this.update();
  }

  private computeStatus(): SyncStatus {
    const local = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    const pending = countUnstored(local, this.durable) + (this.deletes === 'none' ? 0 : 1);
    return {
      connection: this.connectionState(),
      pending,
      saved: pending === 0,
      localLoaded: this.isLocalLoaded,
      serverSynced: this.provider.synced,
      readOnly: this.readOnly,
    };
  }

  private connectionState(): ConnectionState {
    if (this.reconnect.denied !== null) return 'denied';
    if (this.provider.wsconnected) return 'online';
    if (!this.reconnect.networkOnline || this.reconnect.failures > 0) return 'offline';
    return 'connecting';
  }

  private update(): void {
    if (this.destroyed) return;
    const next = this.computeStatus();
    if (sameStatus(next, this.status)) return;
    this.status = next;
    for (const listener of [...this.listeners]) listener(next);
  }
}

function refusalOf(answer: AccessAnswer | null): DeniedReason | null {
  return answer !== null && !answer.ok ? answer.denied : null;
}

function connectionParams(config: SyncConfig, room: string): Record<string, string> {
  return { ...config.paramsFor?.(room), [DURABLE_ACK_PARAM]: '1' };
}

function sameVector(a: Map<number, number>, b: Map<number, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [client, clock] of a) if (b.get(client) !== clock) return false;
  return true;
}

function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  return (
    a.connection === b.connection &&
    a.pending === b.pending &&
    a.saved === b.saved &&
    a.localLoaded === b.localLoaded &&
    a.serverSynced === b.serverSynced &&
    a.readOnly === b.readOnly
  );
}

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
    ...options,
  };
  const documents = new Map<string, SyncedDocument>();

  const close = (entry: SyncedDocument) => {
    entry.destroy();
    if (documents.get(entry.room) === entry) documents.delete(entry.room);
  };

  return {
    open(room) {
      let entry = documents.get(room);
      if (entry === undefined) {
        entry = new SyncedDocument(room, config);
        documents.set(room, entry);
      }
      if (entry.releaseTimer !== null) {
        config.timers.clearTimeout(entry.releaseTimer);
        entry.releaseTimer = null;
      }
      entry.refs += 1;
      return createHandle(entry, () => {
        const held = entry;
        held.refs -= 1;
        if (held.refs > 0) return;
        if (config.releaseDelayMs <= 0) {
          close(held);
        } else {
          held.releaseTimer = config.timers.setTimeout(() => {
            held.releaseTimer = null;
            if (held.refs === 0) close(held);
          }, config.releaseDelayMs);
        }
      });
    },
    openRooms: () => [...documents.keys()],
    refreshParams() {
      for (const entry of documents.values()) entry.refreshParams();
    },
    destroyAll() {
      for (const entry of [...documents.values()]) {
        if (entry.releaseTimer !== null) config.timers.clearTimeout(entry.releaseTimer);
        close(entry);
      }
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
    release() {
      if (released) return;
      released = true;
      releaseOnce();
    },
  };
}
