import * as awarenessProtocol from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { CloseCode } from '../../shared/protocol';
import { encodeAwarenessFrame } from '../../shared/wire';
import {
  type AwarenessEntry,
  encodeAwarenessEntries,
  isRemoval,
  readAwarenessEntries,
} from './awareness-filter';
import type { Connection } from './connection';
import type { DocFeed } from './doc-feed';
import { SmoothedGap } from './fan-out';
import { Outbound } from './outbound';
import type { Clock, Logger } from './ports';

/** Bounds on what one connection may announce (S5.6). */
export interface PresenceLimits {
  /** Bytes of one client's encoded state; above it the connection is closed (4414). */
  maxStateBytes: number;
  /** Client ids one connection may announce; the ones past it are dropped. */
  maxIdsPerConnection: number;
}

export const DEFAULT_PRESENCE_LIMITS: PresenceLimits = { maxStateBytes: 8 * 1024, maxIdsPerConnection: 4 };

/**
 * How long the current owner of a client id has to answer a liveness probe when another connection
 * announces that id. A reconnecting client's old socket is usually dead (its close not yet seen):
 * it fails the probe and the new socket takes the id over, well within the second a reconnect may
 * take (y-websocket #122). A live owner answers, and the other connection's claim is dropped.
 */
const OWNER_PROBE_MS = 400;

/** Origin of awareness changes from other server instances (scale-out): relayed, never published. */
export const REMOTE_PRESENCE = Symbol('remote presence');

/** Weight of the newest gap between presence changes in their average: a storm shows at once. */
const GAP_SMOOTHING = 0.2;

export interface RoomPresenceDeps {
  room: string;
  doc: Y.Doc;
  connections: ReadonlySet<Connection>;
  clock: Clock;
  logger: Logger;
  limits: PresenceLimits;
  feed?: DocFeed;
  /** Sends one frame to every connection (the room counts it). */
  broadcast(frame: Uint8Array, kind: Outbound): void;
  /**
   * Whether to merge the presence changes of a whole turn into one frame (a room busy with updates,
   * `WritePipeline.heavyFanOut`); otherwise they go out once the callback that read them returns.
   */
  mergesPerTurn?(): boolean;
}

/**
 * The awareness (presence) of one room: who announced which client id, what new joiners receive,
 * and the rules that keep presence honest (S5). The awareness changes of one event-loop turn go out
 * as one frame.
 */
export class RoomPresence {
  readonly awareness: awarenessProtocol.Awareness;
  /** The connection that owns each present client id: the first to announce it, while it lives. */
  private readonly owners = new Map<number, Connection>();
  /** Entries for ids owned by a connection being probed, from the connection that claims them. */
  private readonly claims = new Map<number, { claimant: Connection; entry: AwarenessEntry }>();
  private dirty = new Set<number>();
  private scheduled = false;
  /** Time between presence flushes scheduled, to tell a storm of changes from a quiet room. */
  private readonly changeGap = new SmoothedGap(GAP_SMOOTHING);
  /** Client ids whose clock is forgotten once their removal went out (y-websocket #122). */
  private forgetAfterFlush = new Set<number>();
  /** The all-states frame for new joiners, valid for one version. */
  private snapshotCache: { version: number; frame: Uint8Array | null } | null = null;
  private version = 0;
  private closed = false;

  constructor(private readonly deps: RoomPresenceDeps) {
    this.awareness = new awarenessProtocol.Awareness(deps.doc);
    // The server is no participant: it only relays.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.handleUpdate);
  }

  /**
   * Applies a connection's awareness update under the presence rules (S5):
   * - a state above the size limit closes the connection (4414) and nothing of the update applies;
   * - an id owned by another live connection is not applied: that owner is probed, and the claim
   *   applies only if it turns out dead;
   * - a removal counts only from the owner (stock providers echo every removal they hear, which
   *   would re-create a clock the server just forgot, y-websocket #122);
   * - ids past the per-connection limit are dropped.
   */
  applyFrom(connection: Connection, update: Uint8Array): void {
    const entries = readAwarenessEntries(update);
    const { limits, logger, room } = this.deps;
    const oversized = entries.find((entry) => entry.state.byteLength > limits.maxStateBytes);
    if (oversized !== undefined) {
      logger.warn(
        { room, conn: connection.id, clientId: oversized.clientId, bytes: oversized.state.byteLength },
        'presence state above the size limit: closing the connection',
      );
      connection.close(CloseCode.presenceTooLarge, 'presence state is too large');
      return;
    }
    let owned = -1;
    const kept: AwarenessEntry[] = [];
    for (const entry of entries) {
      const owner = this.owners.get(entry.clientId);
      if (owner === connection) {
        kept.push(entry);
      } else if (isRemoval(entry)) {
        // Not its own (or no longer anyone's): an echo, dropped.
      } else if (owner !== undefined) {
        this.claim(connection, owner, entry);
      } else {
        owned = owned < 0 ? this.ownedBy(connection) : owned;
        if (owned >= limits.maxIdsPerConnection) {
          logger.warn(
            { room, conn: connection.id, clientId: entry.clientId, limit: limits.maxIdsPerConnection },
            'presence: too many client ids on one connection; dropped',
          );
          continue;
        }
        owned++;
        kept.push(entry);
      }
    }
    if (kept.length === 0) return;
    const filtered = kept.length === entries.length ? update : encodeAwarenessEntries(kept);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, filtered, connection);
  }

  /** Applies awareness another instance relayed (scale-out). */
  applyRemote(update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE_PRESENCE);
  }

  /** Every known state as one frame, or null when nobody is present; shared by joiners of one turn. */
  snapshot(): Uint8Array | null {
    if (this.snapshotCache?.version === this.version) return this.snapshotCache.frame;
    const ids = [...this.awareness.getStates().keys()];
    const frame =
      ids.length === 0
        ? null
        : encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
    this.snapshotCache = { version: this.version, frame };
    return frame;
  }

  /** The states this instance's own clients announced, for another instance that asks. */
  localUpdate(): Uint8Array | null {
    const ids = [...this.owners.keys()];
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  /** A connection left: its states are removed and the removal is broadcast. */
  removeConnection(connection: Connection): void {
    for (const [id, claim] of this.claims) if (claim.claimant === connection) this.claims.delete(id);
    const ids: number[] = [];
    for (const [id, owner] of this.owners) if (owner === connection) ids.push(id);
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, connection);
    else this.scheduleFlush();
  }

  close(): void {
    this.closed = true;
    this.claims.clear();
    this.awareness.off('update', this.handleUpdate);
    this.awareness.destroy();
  }

  private ownedBy(connection: Connection): number {
    let count = 0;
    for (const owner of this.owners.values()) if (owner === connection) count++;
    return count;
  }

  /** Another connection announces an id `owner` holds: kept aside while the owner is probed. */
  private claim(claimant: Connection, owner: Connection, entry: AwarenessEntry): void {
    const first = !this.claims.has(entry.clientId);
    this.claims.set(entry.clientId, { claimant, entry });
    if (first) {
      this.deps.logger.warn(
        { room: this.deps.room, conn: claimant.id, owner: owner.id, clientId: entry.clientId },
        'presence update for a client id owned by another connection: dropped unless that one is gone',
      );
    }
    const id = entry.clientId;
    owner.probeLiveness(OWNER_PROBE_MS, (alive) => {
      // A live owner keeps its id, and the claim is forgotten (else it would apply when the owner
      // later leaves). A dead one was closed, and its removal makes room for the claim.
      if (alive && this.claims.get(id)?.claimant === claimant) this.claims.delete(id);
    });
  }

  private readonly handleUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    this.version++;
    const owner = this.deps.connections.has(origin as Connection) ? (origin as Connection) : null;
    if (owner !== null) for (const id of [...added, ...updated]) this.owners.set(id, owner);
    // Whoever removed it (its owner, its owner's close, a timeout, another instance), a removed
    // client's clock is forgotten once the removal went out, so its return with the same clock is
    // accepted here and on every instance (y-websocket #122).
    for (const id of removed) {
      this.owners.delete(id);
      this.forgetAfterFlush.add(id);
    }
    const changed: number[] = [];
    for (const id of [...added, ...updated, ...removed]) {
      if (id !== this.awareness.clientID) {
        this.dirty.add(id);
        changed.push(id);
      }
    }
    // Changes made by this instance's clients go to the other instances (scale-out).
    const { feed } = this.deps;
    if (feed && origin !== REMOTE_PRESENCE && changed.length > 0) {
      feed.publishAwareness(this.deps.room, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    }
    this.scheduleFlush();
  };

  private scheduleFlush(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // As the room's updates do (WritePipeline.schedule): waiting for the rest of the turn's I/O
    // merges more, but puts every frame read in that turn, and its broadcast, before this one. It
    // pays while presence itself comes fast to many (a join storm) or the room's updates are heavy.
    this.changeGap.note(this.deps.clock.now());
    const storm = this.changeGap.heavyFor(this.deps.connections.size);
    if (!storm && this.deps.mergesPerTurn?.() === false) queueMicrotask(() => this.flush());
    else this.deps.clock.afterIo(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.closed) return;
    const ids = [...this.dirty].filter((id) => this.awareness.meta.has(id));
    this.dirty = new Set();
    if (ids.length > 0) {
      const frame = encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
      // The sender gets its own state back too: for a client alone in a room that echo of its
      // 15 s renewal is the only traffic, and y-websocket drops a socket silent for 30 s.
      this.deps.broadcast(frame, Outbound.awareness);
    }
    // Forget removed clients' clocks so a reconnect with the same clock is accepted (y-websocket #122).
    for (const id of this.forgetAfterFlush) {
      if (!this.awareness.getStates().has(id)) this.awareness.meta.delete(id);
    }
    this.forgetAfterFlush.clear();
    this.applyOrphanedClaims();
  }

  /** Claims on ids whose owner has gone (and whose removal went out) now apply. */
  private applyOrphanedClaims(): void {
    const ready: AwarenessEntry[] = [];
    const claimants: Connection[] = [];
    for (const [id, { claimant, entry }] of this.claims) {
      if (this.owners.has(id)) continue;
      this.claims.delete(id);
      if (!this.deps.connections.has(claimant)) continue;
      ready.push(entry);
      claimants.push(claimant);
    }
    for (const [i, entry] of ready.entries()) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries([entry]), claimants[i]);
    }
  }
}
