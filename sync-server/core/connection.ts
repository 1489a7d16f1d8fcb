import * as Y from 'yjs';
import { CloseCode } from '../../shared/protocol';
import { decodeFrame, type InboundMessage, MalformedMessageError } from '../../shared/wire';
import { TokenBucket } from '../limits/token-bucket';
import type { Clock, CoreMetrics, Logger, SyncSocket } from './ports';
import { type Room, RoomState } from './room';
import { RoomFailedError } from './stored-state';

/** What every connection of one core shares: limits and services, held once, not per connection. */
export interface ConnectionContext {
  /** Bytes a socket may have queued before the server drops it (a client that stopped reading). */
  maxBufferedBytes: number;
  /** Inbound messages allowed per second (token bucket), or null for no limit; over it → 4429. */
  rateLimit: { perSecond: number; burst: number } | null;
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
 * One client in one room: decodes its frames, applies them to the room and answers. Frames that
 * arrive while the room loads are queued and handled in order once it is ready, so no client is
 * ever answered from a document that has not loaded yet (the reference server does: y-websocket #81).
 */
export class Connection {
  readonly isReadOnly: boolean;
  readonly wantsDurableAck: boolean;
  private queue: Uint8Array[] | null = [];
  private closed = false;
  private readonly bucket: TokenBucket | null;

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
    const rate = context.rateLimit;
    this.bucket = rate ? new TokenBucket(rate.perSecond, rate.burst, context.clock) : null;
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
    this.process(frame);
  }

  /** The socket closed on the client's side (or the transport failed). */
  handleClose(code: number, reason: string): void {
    this.finish({ code, reason: reason || 'closed by client' });
  }

  /** Sends one frame to this client and counts it. */
  send(frame: Uint8Array): void {
    if (this.deliver(frame)) this.context.metrics.framesOut(1, frame.byteLength);
  }

  /**
   * Sends without counting (the room counts a broadcast once); false if the connection is closed.
   * A client that has stopped reading is dropped here.
   */
  deliver(frame: Uint8Array): boolean {
    if (this.closed) return false;
    this.socket.send(frame);
    if (this.socket.bufferedAmount > this.context.maxBufferedBytes) {
      // The client is not reading: drop it rather than buffer without bound.
      this.context.logger.warn(
        { conn: this.id, room: this.room.name, buffered: this.socket.bufferedAmount },
        'closing a connection that does not read its socket',
      );
      this.socket.terminate();
      this.finish({ code: CloseCode.slowConsumer, reason: 'client is not reading' });
    }
    return true;
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
    if (awareness !== null) this.send(awareness);
    if (this.wantsDurableAck) {
      const ack = room.durableAckNow();
      room.writes.afterDurable(() => this.send(ack));
    }
    const queued = this.queue ?? [];
    this.queue = null;
    for (const frame of queued) {
      if (this.closed) break;
      this.process(frame);
    }
    // Ask the client for what the server lacks (it answers with sync step 2). Sent after the
    // replies to what the client already asked, so a joiner's first step 2 does not wait for the
    // server's state vector of a large document.
    if (!this.closed) this.send(room.syncStep1());
  }

  private process(frame: Uint8Array): void {
    if (this.bucket !== null && !this.bucket.take()) {
      this.context.logger.warn(
        { conn: this.id, room: this.room.name },
        'rate limited: too many messages per second',
      );
      this.close(CloseCode.rateLimited, 'too many messages per second');
      return;
    }
    let message: InboundMessage;
    try {
      message = decodeFrame(frame);
      this.context.metrics.messageIn(message.kind, frame.byteLength);
      this.apply(message);
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

  private apply(message: InboundMessage): void {
    const room = this.room;
    switch (message.kind) {
      case 'syncStep1': {
        Y.decodeStateVector(message.stateVector); // throws on a malformed vector
        const reply = room.syncStep2For(message.stateVector);
        // The reply may hold updates still being written: it leaves once they are stored.
        room.writes.afterDurable(() => this.send(reply));
        return;
      }
      case 'syncStep2':
      case 'update': {
        if (this.isReadOnly) return;
        // Decode fully before applying, so a truncated update changes nothing.
        const { structs, ds } = Y.decodeUpdate(message.update);
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
        Y.applyUpdate(room.doc, message.update, this);
        return;
      }
      case 'awareness':
        room.applyAwarenessFrom(this, message.update);
        return;
      case 'queryAwareness': {
        const snapshot = room.awarenessSnapshot();
        if (snapshot !== null) this.send(snapshot);
        return;
      }
      case 'durableAck':
        throw new MalformedMessageError('durable acks go from server to client only');
      default:
        assertNever(message);
    }
  }

  private finish(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = null;
    this.room.remove(this);
    this.context.connectionClosed(this, reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
