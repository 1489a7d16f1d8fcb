import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/protocol';
import {
  decodeFrame,
  encodeAwarenessFrame,
  type InboundMessage,
  MalformedMessageError,
} from '../../shared/wire';
import { TokenBucket } from '../limits/token-bucket';
import { InboundGate } from './inbound-gate';
import { Outbound } from './outbound';
import type { Clock, CoreMetrics, Logger, SyncSocket } from './ports';
import { type Room, RoomState } from './room';
import { RoomFailedError } from './stored-state';

/** What every connection of one core shares: limits and services, held once, not per connection. */
export interface ConnectionContext {
  /**
   * Bytes a socket may have queued before the server stops sending it updates and awareness until
   * it drains, and then catches it up (S8).
   */
  maxBufferedBytes: number;
  /**
   * Inbound messages allowed per second (token bucket), or null for no limit; above it the socket
   * is not read until tokens come back (S6.2).
   */
  rateLimit: { perSecond: number; burst: number } | null;
  /** Sync step 1 messages allowed per second, each a diff of the document (S6.4); null: no limit. */
  syncRequestLimit: { perSecond: number; burst: number } | null;
  /** Bytes of content waiting for missing updates a room may hold (S6.3); past it → 4413. */
  maxPendingBytes: number;
  /** The room's document may not grow past this many bytes (0: no cap); over it → 4413. */
  maxDocumentBytes: number;
  clock: Clock;
  logger: Logger;
  metrics: CoreMetrics;
  /** Called exactly once per connection when it ends, for whatever reason. */
  connectionClosed(connection: Connection, reason: CloseReason): void;
}

/** What the transport knows about one connection once it is authorised. */
export interface ConnectionFlags {
  /** Read-only connections receive everything but their document updates are dropped. */
  readOnly: boolean;
  /** The client asked for durable acknowledgements (`?durable=1`). */
  durableAck: boolean;
}

/** Why a connection ended: the close code the client sees and the reason that is logged. */
export interface CloseReason {
  code: number;
  reason: string;
}

/**
 * Where a client that reads too slowly stands while the server holds back its frames: one state
 * vector and two flags, however much it misses, instead of a queue of frames.
 */
interface Lag {
  /**
   * A state vector the client has reached, or will once the frames still allowed out reach it: a
   * lower bound, so the catch-up (the diff from it) holds everything the client lacks.
   */
  vector: Uint8Array;
  /**
   * False until the updates applied before the pause are stored and broadcast: `vector` counts
   * them as sent, so their frames still go out. From then on updates and awareness are held back.
   */
  holding: boolean;
  awarenessOwed: boolean;
  ackOwed: boolean;
  /**
   * The awareness clients present when holding began, with their clocks: those gone by the catch-up
   * get a removal with it, since a snapshot of present states cannot say who left (S5.2).
   */
  presence: Map<number, number> | null;
}

/**
 * One client in one room: decodes its frames, applies them to the room and answers. Frames that
 * arrive while the room loads are queued and handled in order once it is ready, so no client is
 * ever answered from a document that has not loaded yet (the reference server does: y-websocket #81).
 */
export class Connection {
  readonly isReadOnly: boolean;
  readonly wantsDurableAck: boolean;
  private queue: Uint8Array[] | null = [];
  private closed = false;
  /** Set while the client reads too slowly (S8); null while it keeps up. */
  private lag: Lag | null = null;
  /** Callers waiting on a liveness probe in flight, or null when none is. */
  private probeWaiters: Array<(alive: boolean) => void> | null = null;
  private readonly gate: InboundGate;

  // Everything shared lives in `context`: thousands of idle connections each cost only their fields.
  constructor(
    private readonly socket: SyncSocket,
    readonly room: Room,
    /** For logs: unique within this server process. */
    readonly id: number,
    flags: ConnectionFlags,
    private readonly context: ConnectionContext,
  ) {
    this.isReadOnly = flags.readOnly;
    this.wantsDurableAck = flags.durableAck;
    const bucket = (rate: { perSecond: number; burst: number } | null) =>
      rate ? new TokenBucket(rate.perSecond, rate.burst, context.clock) : null;
    this.gate = new InboundGate({
      messages: bucket(context.rateLimit),
      syncRequests: bucket(context.syncRequestLimit),
      clock: context.clock,
      socket,
      handle: (frame) => this.process(frame),
      onThrottled: () => {
        context.metrics.throttled();
        context.logger.info({ conn: this.id, room: this.room.name }, 'over the message rate: reading paused');
      },
      onOverflow: () => this.close(CloseCode.rateLimited, 'too many messages while reading was paused'),
    });
    room.add(this);
    void room.whenReady().then((ready) => {
      if (!ready) {
        this.close(CloseCode.loadFailed, 'document could not be loaded');
        return;
      }
      this.start();
    });
  }

  handleFrame(frame: Uint8Array): void {
    if (this.closed) return;
    if (this.queue !== null) {
      this.queue.push(frame);
      return;
    }
    this.gate.offer(frame);
  }

  /** The socket closed on the client's side (or the transport failed). */
  handleClose(code: number, reason: string): void {
    this.finish({ code, reason: reason || 'closed by client' });
  }

  /** Sends one frame to this client and counts it, unless a slow reader is owed it instead. */
  send(frame: Uint8Array, kind: Outbound = Outbound.reply): void {
    if (this.deliver(frame, kind)) this.context.metrics.framesOut(1, frame.byteLength);
  }

  /**
   * Sends without counting (the room counts a broadcast once); false if nothing was sent: the
   * connection is closed, or it reads too slowly and is owed a catch-up instead (S8).
   */
  deliver(frame: Uint8Array, kind: Outbound): boolean {
    if (this.closed) return false;
    const lag = this.lag;
    if (lag?.holding && kind !== Outbound.reply) {
      if (kind === Outbound.awareness) lag.awarenessOwed = true;
      else if (kind === Outbound.durableAck) lag.ackOwed = true;
      return false;
    }
    this.socket.send(frame);
    if (lag === null && this.socket.bufferedAmount > this.context.maxBufferedBytes) this.pause();
    return true;
  }

  /**
   * Checks that the client still answers (its presence is claimed by another connection, S5.5):
   * `onResult(true)` if it does within `timeoutMs`; otherwise the connection is ended as dead (its
   * presence is removed) and `onResult(false)`. Concurrent checks share one probe.
   */
  probeLiveness(timeoutMs: number, onResult: (alive: boolean) => void): void {
    if (this.closed) {
      onResult(false);
      return;
    }
    if (this.socket.probe === undefined) {
      onResult(true);
      return;
    }
    if (this.probeWaiters !== null) {
      this.probeWaiters.push(onResult);
      return;
    }
    const waiters = [onResult];
    this.probeWaiters = waiters;
    this.socket.probe(timeoutMs, (alive) => {
      this.probeWaiters = null;
      if (!alive && !this.closed) {
        this.context.logger.info(
          { conn: this.id, room: this.room.name },
          'no answer to a liveness probe: the connection is taken as gone',
        );
        this.close(CloseCode.goingAway, 'no answer to a liveness probe');
      }
      for (const waiter of waiters) waiter(alive && !this.closed);
    });
  }

  /** The server ends this connection: the client sees `code` and `reason`. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.socket.close(code, reason);
    this.finish({ code, reason });
  }

  private start(): void {
    const room = this.room;
    if (this.closed || room.state !== RoomState.ready) return;
    const awareness = room.awarenessSnapshot();
    if (awareness !== null) this.send(awareness, Outbound.awareness);
    if (this.wantsDurableAck) {
      const ack = room.durableAckNow();
      room.writes.afterDurable(() => this.send(ack, Outbound.durableAck));
    }
    const queued = this.queue ?? [];
    this.queue = null;
    for (const frame of queued) {
      if (this.closed) break;
      this.gate.offer(frame);
    }
    // Ask the client for what the server lacks (it answers with sync step 2). Sent after the
    // replies to what the client already asked, so a joiner's first step 2 does not wait for the
    // server's state vector of a large document.
    if (!this.closed) this.send(room.syncStep1());
  }

  private process(frame: Uint8Array): void {
    let message: InboundMessage;
    try {
      message = decodeFrame(frame);
      this.context.metrics.messageIn(message.kind, frame.byteLength);
      this.apply(message, frame);
    } catch (error) {
      // The room's stored document, not this message, is at fault: the room closed every socket (S7).
      if (error instanceof RoomFailedError) return;
      const detail = (error as Error).message;
      const reason =
        error instanceof MalformedMessageError
          ? `malformed message: ${detail}`
          : `invalid message: ${detail}`;
      this.context.logger.warn({ conn: this.id, room: this.room.name, bytes: frame.byteLength }, reason);
      this.close(CloseCode.protocolError, reason.slice(0, 120));
    }
  }

  private apply(message: InboundMessage, frame: Uint8Array): void {
    const room = this.room;
    switch (message.kind) {
      case 'syncStep1': {
        const asked = Y.decodeStateVector(message.stateVector); // throws on a malformed vector
        if (this.lag?.holding) {
          // Answered by the catch-up: it then starts from where this client says it stands too.
          this.lag.vector = lowerBound(this.lag.vector, asked);
          return;
        }
        const reply = room.syncStep2For(message.stateVector);
        // The reply may hold updates still being written: it leaves once they are stored.
        room.writes.afterDurable(() => this.send(reply));
        return;
      }
      case 'syncStep2':
      case 'update': {
        if (this.isReadOnly) return;
        // Decode fully before applying, so a truncated update changes nothing.
        const decoded = Y.decodeUpdate(message.update);
        const { structs, ds } = decoded;
        // A fresh client's sync step 2 carries nothing: no reason to touch (or build) the document.
        if (structs.length === 0 && ds.clients.size === 0) return;
        if (room.exceedsSize(message.update, structs, this.context.maxDocumentBytes)) {
          this.context.logger.warn(
            { conn: this.id, room: room.name, bytes: message.update.byteLength },
            'document size cap reached: update refused',
          );
          this.close(CloseCode.documentTooLarge, 'document is at its size limit');
          return;
        }
        // An update message as it came is the frame every other client gets (a sync step 2 is not:
        // a provider takes one as the end of its own sync).
        if (message.kind === 'update' && room.forwardFromClient(frame, message.update, decoded, this)) return;
        if (!room.applyFromClient(message.update, this, this.context.maxPendingBytes)) {
          this.context.logger.warn(
            { conn: this.id, room: room.name, bytes: message.update.byteLength },
            'too much content waiting for missing updates: dropped, connection closed',
          );
          this.close(CloseCode.documentTooLarge, 'too much content waiting for missing updates');
        }
        return;
      }
      case 'awareness':
        room.applyAwarenessFrom(this, message.update);
        return;
      case 'queryAwareness': {
        const snapshot = room.awarenessSnapshot();
        if (snapshot !== null) this.send(snapshot, Outbound.awareness);
        return;
      }
      case 'durableAck':
        throw new MalformedMessageError('durable acks go from server to client only');
      default:
        assertNever(message);
    }
  }

  /**
   * The client reads too slowly (its socket has more than `maxBufferedBytes` queued): stop sending
   * it updates and awareness and remember where it stands, until the socket drains (S8). A client
   * that reads slowly but reads is never dropped; one that stopped answering pings is, by the
   * transport's heartbeat. Updates applied before now may still be on their way to the store, and
   * the vector counts them as sent: holding starts once they have gone out.
   */
  private pause(): void {
    const room = this.room;
    const lag: Lag = {
      vector: room.stateVector(),
      holding: false,
      awarenessOwed: false,
      ackOwed: false,
      presence: null,
    };
    this.lag = lag;
    this.context.metrics.readerPaused();
    this.context.logger.debug(
      { conn: this.id, room: room.name, buffered: this.socket.bufferedAmount },
      'slow reader: holding back updates until its socket drains',
    );
    room.writes.afterDurable(() => {
      lag.holding = true;
      const { meta } = room.awareness;
      const ids = [...room.awareness.getStates().keys()];
      if (ids.length > 0) lag.presence = new Map(ids.map((id) => [id, meta.get(id)?.clock ?? 0]));
    });
    this.socket.onDrain(() => this.catchUp(lag));
  }

  /**
   * The socket drained: one diff from where the client stood, one awareness snapshot and one
   * durable ack replace everything held back. Updates flow again from now on; those applied since
   * the diff was taken may arrive before it, which Yjs accepts in any order.
   */
  private catchUp(lag: Lag): void {
    if (this.closed || this.lag !== lag) return;
    this.lag = null;
    if (!lag.holding) return; // nothing was held back
    const room = this.room;
    if (lag.awarenessOwed) {
      const snapshot = room.awarenessSnapshot();
      if (snapshot !== null) this.send(snapshot, Outbound.awareness);
      const states = room.awareness.getStates();
      const gone = [...(lag.presence ?? [])].filter(([id]) => !states.has(id));
      if (gone.length > 0) this.send(encodeAwarenessFrame(encodeRemovals(gone)), Outbound.awareness);
    }
    let diff: Uint8Array;
    try {
      diff = room.syncStep2For(lag.vector);
    } catch (error) {
      // Its stored document failed to decode at this first diff: the room closed every socket (S7).
      if (error instanceof RoomFailedError) return;
      throw error;
    }
    const ack = lag.ackOwed ? room.durableAckNow() : null;
    // The diff may hold updates still being written: it (and the ack) leave once they are stored.
    room.writes.afterDurable(() => {
      this.send(diff);
      if (ack !== null) this.send(ack);
    });
  }

  private finish(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = null;
    this.gate.close();
    this.lag = null;
    this.room.remove(this);
    this.context.connectionClosed(this, reason);
  }
}

/**
 * An awareness update removing `clients` (id, clock when holding began): a null state at that clock
 * is applied as a removal by y-protocols. The server forgot their later clocks (S5.4), and a clock
 * above the one the client comes back with would make the reader refuse its return.
 */
function encodeRemovals(clients: Array<[number, number]>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, clients.length);
  for (const [id, clock] of clients) {
    encoding.writeVarUint(encoder, id);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, 'null');
  }
  return encoding.toUint8Array(encoder);
}

/** The smaller clock of each client of `vector` in both (a client missing from one counts as 0). */
function lowerBound(vector: Uint8Array, other: Map<number, number>): Uint8Array {
  const lower = new Map<number, number>();
  for (const [client, clock] of Y.decodeStateVector(vector)) {
    const min = Math.min(clock, other.get(client) ?? 0);
    if (min > 0) lower.set(client, min);
  }
  return Y.encodeStateVector(lower);
}

function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
