import type * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/protocol';
import { encodeDurableAck, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate } from '../../shared/wire';
import type { Connection } from './connection';
import type { DocFeed } from './doc-feed';
import type { DocStore } from './doc-store';
import { type DecodedUpdate, integratesWhole } from './integrates-whole';
import { Outbound } from './outbound';
import type { Clock, CoreMetrics, Logger } from './ports';
import { DEFAULT_PRESENCE_LIMITS, type PresenceLimits, RoomPresence } from './room-presence';
import { RoomFailedError, readStoredState } from './stored-state';
import { type DurableBatch, WritePipeline } from './write-pipeline';

/** A room is `loading` until its stored document is in memory; only then are messages answered. */
export const RoomState = {
  loading: 'loading',
  ready: 'ready',
  failed: 'failed',
  closed: 'closed',
} as const;
export type RoomState = (typeof RoomState)[keyof typeof RoomState];

/** The structs of a decoded update (`Y.decodeUpdate`). */
export type DecodedStructs = ReturnType<typeof Y.decodeUpdate>['structs'];

/** Sync step 2 replies kept per document version (by the asker's state vector). */
const REPLY_CACHE_ENTRIES = 16;

/**
 * Origin of updates and awareness from other server instances (scale-out): another instance stored
 * them already, so they are broadcast at once and never appended again.
 */
const REMOTE_ORIGIN = Symbol('remote');

export interface RoomDeps {
  store: DocStore;
  clock: Clock;
  logger: Logger;
  metrics: CoreMetrics;
  compactThreshold: number;
  batchWindowMs: number;
  /** Other instances' changes to the same documents (scale-out mode); absent on a single node. */
  feed?: DocFeed;
  /** Told when the room goes out of service because its stored document cannot be decoded (S7). */
  onFailed?: (room: Room) => void;
  /** Told when another instance deleted the document (scale-out, S12.2). */
  onDeletedElsewhere?: (room: Room) => void;
  presenceLimits?: PresenceLimits;
}

/**
 * One document in memory with its awareness and connections. Updates leave the server only after they
 * are stored. In a quiet room a client's update is stored, sent on in the frame it came in and then
 * applied (S2.4); otherwise it is applied at once (so the next message sees it) and the updates of one
 * batch (the callback that read them, a turn, or the write pipeline's window in a busy room) go out as
 * one frame per connection, encoded once. Presence changes likewise leave at once in a quiet room and
 * as one frame per turn in a busy one.
 */
export class Room {
  private readonly ydoc = new Y.Doc();
  /**
   * The stored state (all stored updates merged) not yet applied to `ydoc`. Turning a large binary
   * update into Yjs structs is the slow part of a cold load, and a joiner does not need it: sync
   * replies, state vectors and compaction work on the binary form. The document is built on first
   * real use (an update to apply), so a room that is only read never pays for it.
   */
  private stored: Uint8Array | null = null;
  /** The state vector of `stored` (computed once, at load), while it is not applied. */
  private storedVector: Uint8Array | null = null;
  readonly connections = new Set<Connection>();
  private readonly presence: RoomPresence;
  state: RoomState = RoomState.loading;
  /** Last time a connection joined or left (epoch ms), for idle-room eviction. */
  lastActive: number;
  /**
   * An upper bound of the document's encoded size: the stored bytes at load plus every update
   * applied since (redundant updates make it overestimate; `exceedsSize` re-measures before refusing).
   */
  private sizeEstimate = 0;

  private pipeline: WritePipeline | null = null;
  private readyWaiters: Array<(ok: boolean) => void> = [];
  /** Connections that asked for durable acks: only then is a state vector taken per batch. */
  private durableAckConnections = 0;
  /**
   * Sync step 2 replies by the asker's state vector, for one document version: joiners with the
   * same vector (every fresh client, or a client asking again and again) share one diff (S6.4).
   */
  private replyCache: { version: number; frames: Map<string, Uint8Array> } | null = null;
  /** What the stored document left waiting for missing updates when it was built. */
  private storedPending: { structs: Y.Doc['store']['pendingStructs']; ds: Uint8Array | null } = {
    structs: null,
    ds: null,
  };
  /** Sync step 2 replies computed (not taken from the cache), for tests and metrics. */
  syncRepliesComputed = 0;
  private version = 0;
  private step1Cache: { version: number; frame: Uint8Array } | null = null;
  private unsubscribeFeed: (() => void) | null = null;

  constructor(
    readonly name: string,
    private readonly deps: RoomDeps,
  ) {
    this.lastActive = deps.clock.now();
    this.presence = new RoomPresence({
      room: name,
      doc: this.ydoc,
      connections: this.connections,
      clock: deps.clock,
      logger: deps.logger,
      limits: deps.presenceLimits ?? DEFAULT_PRESENCE_LIMITS,
      ...(deps.feed ? { feed: deps.feed } : {}),
      broadcast: (frame, kind) => this.broadcast(frame, undefined, kind),
      mergesPerTurn: () => this.pipeline?.heavyFanOut() ?? true,
    });
    this.ydoc.on('update', this.handleDocUpdate);
  }

  /** Who is present in this room (read-only use: tests, metrics). */
  get awareness(): awarenessProtocol.Awareness {
    return this.presence.awareness;
  }

  /** Loads the stored document; messages wait for this. Rejects (and marks the room failed) on error. */
  async load(): Promise<void> {
    const started = this.deps.clock.monotonic();
    try {
      const { updates, cursor } = await this.deps.store.load(this.name);
      this.sizeEstimate = updates.reduce((sum, update) => sum + update.byteLength, 0);
      if (updates.length > 0 && !this.keepStored(updates)) return;
      this.pipeline = new WritePipeline({
        room: this.name,
        store: this.deps.store,
        clock: this.deps.clock,
        logger: this.deps.logger,
        metrics: this.deps.metrics,
        initialEntries: updates.length,
        compactThreshold: this.deps.compactThreshold,
        batchWindowMs: this.deps.batchWindowMs,
        recipients: () => this.connections.size,
        stateVector: () => (this.durableAckConnections > 0 ? Y.encodeStateVector(this.doc) : null),
        // From the document, not the merged stored updates: applying garbage-collects deleted content,
        // merging keeps it. Compaction is rare, and an unbuilt room is built for it.
        snapshot: () => Y.encodeStateAsUpdate(this.doc),
        onDurable: (batch) => this.handleDurable(batch),
      });
      if (updates.length >= this.deps.compactThreshold) this.pipeline.requestCompaction();
      // Registered before the first client is answered, from the position the loaded state covers.
      this.unsubscribeFeed =
        this.deps.feed?.subscribe(this.name, cursor, {
          handleRemoteUpdates: (remote) => this.applyRemote(remote),
          handleRemoteAwareness: (update) => this.presence.applyRemote(update),
          localAwareness: () => this.presence.localUpdate(),
          handleRemoteDeleted: () => this.deps.onDeletedElsewhere?.(this),
        }) ?? null;
      this.setState(RoomState.ready);
      this.deps.metrics.roomLoaded((this.deps.clock.monotonic() - started) / 1000);
    } catch (error) {
      this.setState(RoomState.failed);
      throw error;
    }
  }

  /**
   * The document, built from the stored state on first use. Throws RoomFailedError once the room is
   * out of service, or if building fails (it then goes out of service, S7).
   */
  get doc(): Y.Doc {
    if (this.state === RoomState.failed) throw new RoomFailedError(this.name);
    if (this.stored !== null) this.build(this.stored);
    return this.ydoc;
  }

  /** Keeps the stored updates, checked, as one update; false once the room went out of service. */
  private keepStored(updates: Uint8Array[]): boolean {
    try {
      const { state, stateVector } = readStoredState(updates);
      this.stored = state;
      this.storedVector = stateVector;
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  private build(stored: Uint8Array): void {
    this.stored = null;
    this.storedVector = null;
    this.fromStored(() => this.applyStored(stored));
    const { pendingStructs, pendingDs } = this.ydoc.store;
    this.storedPending = { structs: pendingStructs, ds: pendingDs };
    if (pendingStructs !== null || pendingDs !== null) {
      // Served all the same: a client that holds the missing parts sends them at its next sync and
      // they integrate; refusing the room would lock out the only copies that can repair it.
      this.deps.metrics.documentDamaged('pending_structs');
      this.deps.logger.warn(
        { room: this.name, missing: pendingStructs ? Object.fromEntries(pendingStructs.missing) : {} },
        'the stored document has updates whose dependencies are missing; they apply once a client sends them',
      );
    }
  }

  /** Runs a first decoding of stored bytes: a failure takes the room out of service (S7). */
  private fromStored<T>(decode: () => T): T {
    try {
      return decode();
    } catch (error) {
      this.fail(error);
      throw new RoomFailedError(this.name);
    }
  }

  /**
   * Takes the room out of service because its stored document cannot be decoded (S7): its
   * connections are closed with `documentUnreadable`, nothing is written (the stored bytes stay for
   * an operator to examine and restore), and the manager forgets it, so a later connection loads it
   * afresh. No other room is touched.
   */
  private fail(error: unknown): void {
    if (this.state === RoomState.failed || this.state === RoomState.closed) return;
    if (this.state === RoomState.ready) this.deps.metrics.roomUnloaded();
    this.state = RoomState.failed;
    this.deps.metrics.documentDamaged('undecodable');
    this.deps.logger.error(
      { room: this.name, err: error },
      'the stored document cannot be decoded: the room is out of service until it is restored',
    );
    this.deps.onFailed?.(this);
    for (const connection of [...this.connections]) {
      connection.close(CloseCode.documentUnreadable, 'stored document cannot be decoded');
    }
    this.release();
    this.setState(RoomState.failed);
  }

  /** Resolves true once loaded, false if loading failed or the room closed. */
  whenReady(): Promise<boolean> {
    if (this.state === RoomState.ready) return Promise.resolve(true);
    if (this.state !== RoomState.loading) return Promise.resolve(false);
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  get writes(): WritePipeline {
    if (this.pipeline === null) throw new Error(`room ${this.name} is not loaded`);
    return this.pipeline;
  }

  /** The sync step 2 reply for a peer at `stateVector`; the full state is cached per version. */
  syncStep2For(stateVector: Uint8Array): Uint8Array {
    if (this.replyCache?.version !== this.version)
      this.replyCache = { version: this.version, frames: new Map() };
    const frames = this.replyCache.frames;
    const key = Buffer.from(stateVector.buffer, stateVector.byteOffset, stateVector.byteLength).toString(
      'latin1',
    );
    const cached = frames.get(key);
    if (cached !== undefined) return cached;
    const frame = this.computeSyncStep2(stateVector);
    this.syncRepliesComputed++;
    // A handful of distinct vectors per version is the norm; past it the oldest go first.
    if (frames.size >= REPLY_CACHE_ENTRIES) frames.delete(frames.keys().next().value!);
    frames.set(key, frame);
    return frame;
  }

  private computeSyncStep2(stateVector: Uint8Array): Uint8Array {
    if (isEmptyStateVector(stateVector))
      return encodeSyncStep2(this.stored ?? Y.encodeStateAsUpdate(this.ydoc));
    if (this.stored !== null) {
      const stored = this.stored;
      // The first read of the stored delete set (S7); the peer's vector was decoded before.
      return encodeSyncStep2(this.fromStored(() => Y.diffUpdate(stored, stateVector)));
    }
    return encodeSyncStep2(Y.encodeStateAsUpdate(this.ydoc, stateVector));
  }

  /** Bytes of content waiting for missing updates (Yjs keeps it outside the document). */
  pendingBytes(): number {
    if (this.stored !== null) return 0;
    const { pendingStructs, pendingDs } = this.ydoc.store;
    return (pendingStructs?.update.byteLength ?? 0) + (pendingDs?.byteLength ?? 0);
  }

  /**
   * Applies a client's update; false (and nothing of it left pending) when the content it leaves
   * waiting for missing updates takes the room past `maxPendingBytes` (S6.3). Pending content joins
   * snapshots and sync replies, and merging it again with each update costs more as it grows.
   */
  applyFromClient(update: Uint8Array, origin: Connection, maxPendingBytes: number): boolean {
    const doc = this.doc;
    const pendingBefore = this.pendingBytes();
    Y.applyUpdate(doc, update, origin);
    const pendingAfter = this.pendingBytes();
    if (maxPendingBytes <= 0 || pendingAfter <= maxPendingBytes || pendingAfter <= pendingBefore) return true;
    // What this update integrated stays (it is in the document and stored).
    // Back to what the stored document itself left waiting (kept for a client that can repair it,
    // S7): what clients added goes, this update's and earlier ones'. A client that holds it sends
    // it again, with its dependencies, at its next sync.
    doc.store.pendingStructs = this.storedPending.structs;
    doc.store.pendingDs = this.storedPending.ds;
    return false;
  }

  /**
   * Sends a client's update on as it came (S2.4): stored through the store's synchronous append,
   * written to every other connection in the frame it arrived in, then applied, all before this
   * returns. Only when the document takes all of it at once (integrates-whole.ts) and the pipeline
   * stores it at once (`WritePipeline.storeAtOnce`); otherwise false, with nothing done, and the
   * caller applies it (`applyFromClient`). Applying is what costs most, and it then runs after the
   * sends instead of before: the frame is what the document's update event would have produced.
   */
  forwardFromClient(
    frame: Uint8Array,
    update: Uint8Array,
    decoded: DecodedUpdate,
    origin: Connection,
  ): boolean {
    const doc = this.doc;
    if (!integratesWhole(doc, update, decoded) || !this.writes.storeAtOnce(update)) return false;
    this.broadcast(frame, origin, Outbound.update);
    this.applyStored(update);
    this.version++;
    this.sizeEstimate += update.byteLength;
    if (this.durableAckConnections > 0) this.sendDurableAcks(this.stateVector());
    return true;
  }

  /**
   * Applies what is stored already (the stored document, a forwarded update) with the 'update'
   * listener off: it is not stored or sent again, and without a listener Yjs does not encode it.
   */
  private applyStored(update: Uint8Array): void {
    this.ydoc.off('update', this.handleDocUpdate);
    try {
      Y.applyUpdate(this.ydoc, update);
    } finally {
      this.ydoc.on('update', this.handleDocUpdate);
    }
  }

  /** Applies a connection's awareness update under the presence rules (S5, room-presence.ts). */
  applyAwarenessFrom(connection: Connection, update: Uint8Array): void {
    this.presence.applyFrom(connection, update);
  }

  /** Sync step 1 (the server's state vector) for a joiner, cached per document version. */
  syncStep1(): Uint8Array {
    if (this.step1Cache?.version !== this.version) {
      this.step1Cache = { version: this.version, frame: encodeSyncStep1(this.stateVector()) };
    }
    return this.step1Cache.frame;
  }

  /** Every known awareness state as one frame, or null when nobody is present. */
  awarenessSnapshot(): Uint8Array | null {
    return this.presence.snapshot();
  }

  /**
   * Whether applying `update` would take the document over `maxBytes`. Checked before it is applied,
   * so a full room refuses growth without touching what it holds. An update that adds no new items
   * (only deletions, or content the room already has) is never refused: deleting frees space. The
   * exact size is only computed when the cheap estimate crosses the cap.
   */
  exceedsSize(update: Uint8Array, structs: DecodedStructs, maxBytes: number): boolean {
    // Content waiting for missing updates counts: it joins the document once they arrive (S6.3).
    const pending = this.pendingBytes();
    if (maxBytes <= 0 || this.sizeEstimate + pending + update.byteLength <= maxBytes) return false;
    const addsItems = structs.some(
      (struct) =>
        !(struct instanceof Y.Skip) &&
        struct.id.clock + struct.length > Y.getState(this.doc.store, struct.id.client),
    );
    if (!addsItems) return false;
    this.sizeEstimate = Y.encodeStateAsUpdate(this.doc).byteLength;
    return this.sizeEstimate + pending + update.byteLength > maxBytes;
  }

  /** The frame telling a durable-ack client what is stored now (sent once pending writes land). */
  durableAckNow(): Uint8Array {
    return encodeDurableAck(this.stateVector());
  }

  /** The document's state vector now (including updates still being stored). */
  stateVector(): Uint8Array {
    return this.storedVector ?? Y.encodeStateVector(this.ydoc);
  }

  add(connection: Connection): void {
    this.connections.add(connection);
    if (connection.wantsDurableAck) this.durableAckConnections++;
    this.lastActive = this.deps.clock.now();
  }

  /** Removes a connection and its awareness states; the removal is broadcast to the others. */
  remove(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    if (connection.wantsDurableAck) this.durableAckConnections--;
    this.lastActive = this.deps.clock.now();
    this.presence.removeConnection(connection);
  }

  /**
   * Applies updates another instance stored (scale-out). They are durable already, so they reach
   * this room's connections at once, without waiting for local writes in flight.
   */
  applyRemote(updates: Uint8Array[]): void {
    if (this.state !== RoomState.ready || updates.length === 0) return;
    const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
    Y.applyUpdate(this.doc, update, REMOTE_ORIGIN);
  }

  /** Frees the document; the room must not be used afterwards. */
  close(): void {
    this.release();
    this.setState(RoomState.closed);
  }

  private release(): void {
    this.unsubscribeFeed?.();
    this.unsubscribeFeed = null;
    this.pipeline?.stop();
    this.ydoc.off('update', this.handleDocUpdate);
    this.presence.close();
    this.stored = null;
    this.storedVector = null;
    this.ydoc.destroy();
  }

  private setState(state: RoomState): void {
    this.state = state;
    if (state === RoomState.loading) return;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve(state === RoomState.ready);
  }

  private readonly handleDocUpdate = (update: Uint8Array, origin: unknown): void => {
    this.version++;
    this.sizeEstimate += update.byteLength;
    if (origin === REMOTE_ORIGIN) {
      // Only what was new to this document: the applied delta, already stored by its instance.
      this.broadcast(encodeSyncUpdate(update), undefined, Outbound.update);
      return;
    }
    this.writes.add(update, origin);
  };

  private handleDurable(batch: DurableBatch): void {
    // A lone sender already has its own update; everyone else gets one shared frame.
    const skip = batch.origins.size === 1 ? batch.origins.values().next().value : undefined;
    this.broadcast(encodeSyncUpdate(batch.update), skip, Outbound.update);
    if (batch.stateVector !== null) this.sendDurableAcks(batch.stateVector);
  }

  /** Tells every connection that asked for durable acks that everything up to `stateVector` is stored. */
  private sendDurableAcks(stateVector: Uint8Array): void {
    const ack = encodeDurableAck(stateVector);
    for (const connection of this.connections) {
      if (connection.wantsDurableAck) connection.send(ack, Outbound.durableAck);
    }
  }

  /**
   * Sends one shared frame to every connection but `skip`, counting it once for the metrics. A
   * connection that reads too slowly is owed it instead (S8).
   */
  private broadcast(frame: Uint8Array, skip: unknown, kind: Outbound): void {
    let sent = 0;
    for (const connection of this.connections) {
      if (connection !== skip && connection.deliver(frame, kind)) sent++;
    }
    this.deps.metrics.framesOut(sent, sent * frame.byteLength);
  }
}

function isEmptyStateVector(stateVector: Uint8Array): boolean {
  // An encoded state vector starts with its entry count; a lone 0 is the empty vector.
  return stateVector.length === 1 && stateVector[0] === 0;
}
