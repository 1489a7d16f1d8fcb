import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as authProtocol from 'y-protocols/auth';
import { Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { DURABLE_ACK_PARAM, MessageType, SyncStep, TOKEN_PARAM } from '../../shared/protocol';
import type { AccessAnswer } from './access';
import { bumpAwarenessClock } from './awareness-bump';
import { ChangeLedger, copyDeletions } from './changes';
import { countUnstored, readDurableAck, type StateVector } from './durable';
import { sameStatus } from './held-status';
import type { SyncConfig } from './open-document';
import { type DeniedReason, ReconnectController } from './reconnect';
import { SharedSocketProvider } from './shared-socket-provider';
import type { ConnectionState, SyncStatus } from './types';

export const IDB_PREFIX = 'trellis:';
/** A sync step 2 that did not yet show every deletion we wait for: ask again after this long. */
const DELETION_PROBE_RETRY_MS = 1_000;

/**
 * One room's document in this page: the Y.Doc, its IndexedDB copy, its connection, and what of the changes
 * made here the server has durably stored (a ChangeLedger, mirrored into the durable record of unsaved
 * documents so a closed card or a reload still syncs them).
 */
export class SyncedDocument {
  readonly doc = new Y.Doc();
  readonly awareness: Awareness;
  readonly provider: WebsocketProvider;
  readonly reconnect: ReconnectController;
  /** References held by the UI (the background queue holds none). */
  refs = 0;
  releaseTimer: unknown = null;
  private readonly indexedDb: IndexeddbPersistence | null;
  private readonly localLoaded: Promise<void>;
  private isLocalLoaded = false;
  private durable: StateVector | null;
  private readonly ledger = new ChangeLedger();
  /** This page wrote (or restored from) the room's record of unsaved changes. */
  private recorded = false;
  private readOnly = false;
  /** We sent a sync step 1 to learn whether our deletions are stored, and no step 2 has come since. */
  private probeOutstanding = false;
  private probeTimer: unknown = null;
  private status: SyncStatus;
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private destroyed = false;

  constructor(
    readonly room: string,
    private readonly config: SyncConfig,
  ) {
    this.durable = config.ackStore.load(room);
    this.awareness = new Awareness(this.doc);
    this.provider = config.socketFor
      ? // It has every part of WebsocketProvider this file, ReconnectController and the editor
        // bindings use (see shared-socket-provider.ts).
        (new SharedSocketProvider(room, this.doc, {
          awareness: this.awareness,
          params: connectionParams(config, room),
          socketFor: config.socketFor,
        }) as unknown as WebsocketProvider)
      : new WebsocketProvider(config.serverUrl, room, this.doc, {
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
    this.watchSyncReplies();
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
      } else {
        this.probeOutstanding = false;
      }
      this.update();
    });
    this.provider.on('sync', () => this.update());
    this.doc.on('afterTransaction', (transaction) => this.noteChange(transaction));
    this.doc.on('update', () => this.update());

    // Some browsers have no IndexedDB at all (disabled by policy): work without a local copy.
    let copyLoaded: Promise<void>;
    if (config.indexedDb && 'indexedDB' in globalThis) {
      const persistence = new IndexeddbPersistence(IDB_PREFIX + room, this.doc);
      this.indexedDb = persistence;
      copyLoaded = Promise.race([
        persistence.whenSynced.then(() => undefined),
        // IndexedDB refused (private mode, quota): go on without the local copy rather than wait forever.
        persistence._db.then(
          () => new Promise<void>(() => {}),
          (error: unknown) => {
            console.warn(`Trellis: no local copy of ${room} (IndexedDB unavailable)`, error);
          },
        ),
      ]);
    } else {
      this.indexedDb = null;
      copyLoaded = Promise.resolve();
    }
    // Loaded means: the local copy is in, and so is the record of what of it the server still lacks.
    this.localLoaded = Promise.all([copyLoaded, config.unsaved.whenLoaded()]).then(() => {
      if (this.destroyed) return;
      const record = config.unsaved.get(room);
      // Changes made before this page loaded: which items they touched is unknown, so they are stored once
      // everything this copy holds is.
      if (record !== undefined) {
        this.recorded = true;
        this.ledger.restore(
          Y.decodeStateVector(Y.encodeStateVector(this.doc)),
          copyDeletions(Y.createDeleteSetFromStructStore(this.doc.store)),
          Math.max(0, record.changes - this.ledger.count),
        );
      }
      this.isLocalLoaded = true;
      this.probeDeletions();
      this.update();
    });
    this.status = this.computeStatus();
    this.reconnect.start();
  }

  getStatus(): SyncStatus {
    return this.status;
  }

  /** Changes made here that the server has not durably stored (the durable record has this room). */
  get ownUnsaved(): boolean {
    return this.ledger.size > 0;
  }

  /** Loaded, and every change made here is durably stored. */
  isSettled(): boolean {
    return this.isLocalLoaded && this.ledger.size === 0;
  }

  /** The server refused the room or only lets us read it: our changes cannot be stored. */
  isRefused(): boolean {
    return this.status.connection === 'denied' || this.status.readOnly;
  }

  /** Whether a transaction with this origin came from elsewhere (the server, another tab, IndexedDB). */
  isRemoteOrigin(origin: unknown): boolean {
    return origin === this.provider || (this.indexedDb !== null && origin === this.indexedDb);
  }

  suspend(): void {
    this.reconnect.stop();
    this.update();
  }

  resume(): void {
    this.reconnect.start();
    this.update();
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
    if (this.probeTimer !== null) this.config.timers.clearTimeout(this.probeTimer);
    // disconnect() inside tells peers we left (awareness null) while the socket is still open.
    this.reconnect.destroy();
    this.provider.destroy();
    this.awareness.destroy();
    this.indexedDb?.destroy();
    this.doc.destroy();
  }

  /**
   * Sees the server's sync messages before y-websocket handles them: a step 2 carries the server's whole
   * delete set (stored before it was sent), which proves delete-only changes stored; and after our reply to
   * the server's step 1 (our step 2, sent right after this handler returns) we ask for such a proof.
   */
  private watchSyncReplies(): void {
    const handlers = this.provider.messageHandlers;
    const original = handlers[MessageType.sync];
    if (original === undefined) throw new Error('y-websocket has no sync message handler');
    handlers[MessageType.sync] = (encoder, decoder, provider, emitSynced, messageType) => {
      const peek = decoding.clone(decoder);
      const step = decoding.readVarUint(peek);
      const update =
        step === SyncStep.step2 && this.ledger.awaitsDeletions ? decoding.readVarUint8Array(peek) : null;
      original(encoder, decoder, provider, emitSynced, messageType);
      if (step === SyncStep.step1) {
        this.probeDeletions();
      } else if (step === SyncStep.step2) {
        this.probeOutstanding = false;
        if (update !== null && this.ledger.confirmDeletions(Y.decodeUpdate(update).ds)) this.update();
        if (this.ledger.awaitsDeletions) this.probeDeletions(DELETION_PROBE_RETRY_MS);
      }
    };
  }

  /**
   * Asks the server for a sync step 2 (by sending our step 1) while deletions wait for proof, one question
   * at a time. Deferred to a microtask so it follows the update or reply y-websocket is sending right now.
   */
  private probeDeletions(delayMs = 0): void {
    if (this.probeOutstanding || this.probeTimer !== null || !this.ledger.awaitsDeletions) return;
    const send = () => {
      this.probeTimer = null;
      const ws = this.provider.ws;
      if (this.destroyed || this.probeOutstanding || !this.ledger.awaitsDeletions || this.readOnly) return;
      if (!this.provider.wsconnected || ws === null) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.sync);
      syncProtocol.writeSyncStep1(encoder, this.doc);
      ws.send(encoding.toUint8Array(encoder));
      this.probeOutstanding = true;
    };
    if (delayMs > 0) this.probeTimer = this.config.timers.setTimeout(send, delayMs);
    else queueMicrotask(send);
  }

  /** A change made on this page (not one that arrived from the server, another tab or IndexedDB). */
  private noteChange(transaction: Y.Transaction): void {
    if (this.isRemoteOrigin(transaction.origin)) return;
    const reached: StateVector = new Map();
    for (const [client, clock] of transaction.afterState) {
      if ((transaction.beforeState.get(client) ?? 0) !== clock) reached.set(client, clock);
    }
    if (reached.size === 0 && transaction.deleteSet.clients.size === 0) return;
    const weight = this.config.isDerivedOrigin?.(transaction.origin) ? 0 : 1;
    this.ledger.record(
      reached,
      reached.size === 0 ? copyDeletions(transaction.deleteSet) : new Map(),
      weight,
    );
    // y-websocket sends the update at once if the socket is open; a delete-only change then needs its proof.
    if (reached.size === 0) this.probeDeletions();
  }

  private askAccess(): Promise<AccessAnswer | null> {
    const check = this.config.accessCheck;
    return check ? check(this.room, this.provider.params).catch(() => null) : Promise.resolve(null);
  }

  private handleDurableAck(decoder: decoding.Decoder): void {
    // The server's vector is the truth for what it stores (it may have lost data); no merging.
    this.durable = readDurableAck(decoder);
    this.config.ackStore.save(this.room, this.durable);
    this.ledger.acknowledge(this.durable);
    this.update();
  }

  private computeStatus(): SyncStatus {
    const local = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    return {
      connection: this.connectionState(),
      pending: this.ledger.count,
      saved: countUnstored(local, this.durable) === 0 && this.ledger.size === 0,
      localLoaded: this.isLocalLoaded,
      serverSynced: this.provider.synced,
      readOnly: this.readOnly,
      retryAt: this.reconnect.retryAt,
    };
  }

  private connectionState(): ConnectionState {
    if (this.reconnect.denied !== null) return 'denied';
    if (this.provider.wsconnected) return 'online';
    if (!this.reconnect.networkOnline) return 'offline';
    if (this.reconnect.failures > 0) return 'unreachable';
    return 'connecting';
  }

  private update(): void {
    if (this.destroyed) return;
    // The durable record follows the ledger (once the record has been read and restored from). Only a record
    // this page wrote or restored is removed here: another tab's record of its own changes is that tab's.
    if (this.isLocalLoaded) {
      if (this.ledger.size > 0) {
        this.config.unsaved.note(this.room, this.ledger.count);
        this.recorded = true;
      } else if (this.recorded) {
        this.config.unsaved.clear(this.room);
        this.recorded = false;
      }
    }
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
