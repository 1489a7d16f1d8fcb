import { CloseCode } from '../../shared/protocol';
import { type CloseReason, Connection } from './connection';
import type { DocStore } from './doc-store';
import {
  type Clock,
  type CoreMetrics,
  type Logger,
  noopMetrics,
  type SyncSocket,
  silentLogger,
  systemClock,
} from './ports';
import { RoomManager } from './room-manager';

export interface SyncCoreOptions {
  store: DocStore;
  clock?: Clock;
  logger?: Logger;
  metrics?: CoreMetrics;
  unloadDelayMs?: number;
  compactThreshold?: number;
  maxBufferedBytes?: number;
  /** How long shutdown waits for pending writes before giving up (and saying so). */
  shutdownTimeoutMs?: number;
}

/** What the transport knows about a new connection once it has been authorised. */
export interface ConnectionRequest {
  room: string;
  readOnly: boolean;
  durableAck: boolean;
  remoteAddress: string;
}

/** What the transport calls as events arrive on the socket. */
export interface ConnectionHandlers {
  handleFrame(frame: Uint8Array): void;
  handleClose(code: number, reason: string): void;
}

export const DEFAULTS = {
  unloadDelayMs: 10_000,
  compactThreshold: 500,
  maxBufferedBytes: 16 * 1024 * 1024,
  shutdownTimeoutMs: 10_000,
} as const;

/**
 * The transport-agnostic server: hand it a socket-like object per connection
 * (`handleConnection`) and it does the rest. It knows nothing of HTTP, `ws` or LevelDB.
 */
export class SyncCore {
  readonly rooms: RoomManager;
  private readonly connections = new Set<Connection>();
  private readonly logger: Logger;
  private readonly metrics: CoreMetrics;
  private readonly maxBufferedBytes: number;
  private readonly shutdownTimeoutMs: number;
  private nextId = 1;
  private stopping = false;

  constructor(options: SyncCoreOptions) {
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? noopMetrics;
    this.maxBufferedBytes = options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes;
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs;
    this.rooms = new RoomManager({
      store: options.store,
      clock: options.clock ?? systemClock,
      logger: this.logger,
      metrics: this.metrics,
      unloadDelayMs: options.unloadDelayMs ?? DEFAULTS.unloadDelayMs,
      compactThreshold: options.compactThreshold ?? DEFAULTS.compactThreshold,
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  handleConnection(socket: SyncSocket, request: ConnectionRequest): ConnectionHandlers {
    if (this.stopping) {
      socket.close(CloseCode.serviceRestart, 'server is shutting down');
      return { handleFrame() {}, handleClose() {} };
    }
    const id = `c${this.nextId++}`;
    const room = this.rooms.open(request.room);
    const connection = new Connection(
      socket,
      room,
      {
        id,
        readOnly: request.readOnly,
        durableAck: request.durableAck,
        maxBufferedBytes: this.maxBufferedBytes,
      },
      this.logger,
      this.metrics,
      (closed, reason) => this.handleClosed(closed, reason),
    );
    this.connections.add(connection);
    this.metrics.connectionOpened();
    this.logger.debug({ conn: id, room: request.room, addr: request.remoteAddress }, 'connection opened');
    return {
      handleFrame: (frame) => connection.handleFrame(frame),
      handleClose: (code, reason) => connection.handleClose({ code, reason: reason || 'closed by client' }),
    };
  }

  /** Shutdown: store every document, then close every socket with `code` and free the rooms. */
  async stop(code: number = CloseCode.goingAway): Promise<{ unstoredRooms: string[] }> {
    this.stopping = true;
    const flushed = await Promise.race([
      this.rooms.flushAll().then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), this.shutdownTimeoutMs).unref()),
    ]);
    const unstoredRooms = flushed
      ? []
      : this.rooms
          .all()
          .filter((r) => r.writes.busy)
          .map((r) => r.name);
    if (unstoredRooms.length > 0) {
      this.logger.error({ rooms: unstoredRooms }, 'shutdown timed out with unstored updates in these rooms');
      for (const room of this.rooms.all()) room.writes.stop();
    }
    for (const connection of [...this.connections]) {
      connection.close({ code, reason: 'server is shutting down' });
    }
    await this.rooms.closeAll();
    return { unstoredRooms };
  }

  private handleClosed(connection: Connection, reason: CloseReason): void {
    this.connections.delete(connection);
    this.metrics.connectionClosed(String(reason.code));
    const level = reason.code === 1000 || reason.code === 1001 || reason.code === 1005 ? 'debug' : 'info';
    this.logger[level](
      { conn: connection.id, room: connection.room.name, code: reason.code, reason: reason.reason },
      'connection closed',
    );
    this.rooms.released(connection.room);
  }
}
