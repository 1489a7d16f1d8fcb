/**
 * One websocket to the server's multiplexed endpoint (`/_mux`, sync-server/SPEC.md S14) carrying
 * every room of the page. Rooms subscribe with a `MuxRoomProvider` (mux-provider.ts); on every
 * (re)connect they are joined in one frame that carries each room's state vector, so every room
 * resyncs in one round trip. The token is given once, in the URL (browsers cannot set websocket
 * headers), and the server checks it against each room as it is joined.
 */
import {
  MUX_PATH,
  type MuxJoin,
  readMuxFrame,
  writeJoin,
  writeLeave,
  writeMessage,
} from '../../shared/mux-wire';
import { TOKEN_PARAM } from '../../shared/protocol';
import { DEFAULT_BACKOFF, reconnectDelayMs } from './backoff';

/** What the socket needs of each room it carries. */
export interface MuxRoom {
  readonly room: string;
  /** This room's join (its state vector is taken now, at the moment of joining). */
  joinRequest(): MuxJoin;
  /** The room is joined on an open socket: it may send. */
  joined(): void;
  /** A y-websocket frame of this room from the server. */
  receive(frame: Uint8Array): void;
  /** The server ended this room's subscription (refused at join, or closed it) with a per-room code. */
  closedByServer(code: number, reason: string): void;
  /** The shared socket closed: the room is no longer joined. */
  disconnected(): void;
}

export type MuxStatus = 'connecting' | 'connected' | 'disconnected';

export interface MuxSocketOptions {
  /** The server's websocket base URL (`ws://host:port`). */
  serverUrl: string;
  token?: string | null;
  WebSocketImpl?: typeof WebSocket;
  /** Ceiling of the reconnect backoff. */
  maxBackoffMs?: number;
  random?: () => number;
}

/**
 * A per-room close code from 4400 to 4499 means retrying cannot help (as for the per-room socket);
 * others are retried by joining the room again after a backoff.
 */
export function isFinalRoomClose(code: number): boolean {
  return code >= 4400 && code < 4500;
}

export class MuxSocket {
  private ws: WebSocket | null = null;
  private readonly rooms = new Map<string, MuxRoom>();
  private readonly statusListeners = new Set<(status: MuxStatus) => void>();
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;
  /** Whether a socket ever opened: a first attempt that never does suggests no `/_mux` (fallback). */
  everOpened = false;
  status: MuxStatus = 'disconnected';
  /** Connection attempts, sockets that opened, and join frames sent (tests and benchmarks count them). */
  socketsOpened = 0;
  connections = 0;
  joinFramesSent = 0;

  constructor(private readonly options: MuxSocketOptions) {}

  get url(): string {
    const token = this.options.token;
    const query = token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : '';
    return `${this.options.serverUrl.replace(/\/$/, '')}${MUX_PATH}${query}`;
  }

  onStatus(listener: (status: MuxStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Adds a room; it is joined now if the socket is open, else with the others on (re)connect. */
  add(room: MuxRoom): void {
    this.rooms.set(room.room, room);
    if (this.status === 'connected') this.join([room]);
    else this.connect();
  }

  /** Leaves a room (a message; the socket stays open for the others). */
  remove(room: MuxRoom): void {
    if (this.rooms.get(room.room) !== room) return;
    this.rooms.delete(room.room);
    if (this.status === 'connected') this.ws?.send(bytes(writeLeave(room.room)));
    room.disconnected();
  }

  /** Joins a room again after the server closed it with a retryable code. */
  rejoin(room: MuxRoom): void {
    if (this.rooms.get(room.room) === room && this.status === 'connected') this.join([room]);
  }

  send(room: string, frame: Uint8Array): void {
    if (this.status === 'connected' && this.rooms.has(room)) this.ws?.send(bytes(writeMessage(room, frame)));
  }

  connect(): void {
    if (this.destroyed || this.ws !== null) return;
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    const ws = new Impl(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.socketsOpened++;
    this.setStatus('connecting');
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempts = 0;
      this.everOpened = true;
      this.connections++;
      this.setStatus('connected');
      this.join([...this.rooms.values()]);
    };
    ws.onmessage = (event: MessageEvent) => {
      if (this.ws !== ws) return;
      this.receive(new Uint8Array(event.data as ArrayBuffer));
    };
    // A failed attempt is followed by its close event, which schedules the retry.
    ws.onerror = () => {};
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const room of this.rooms.values()) room.disconnected();
      this.setStatus('disconnected');
      this.scheduleRetry();
    };
  }

  /** Closes the socket; it reconnects after the usual backoff unless `destroy`ed. */
  disconnect(): void {
    this.ws?.close();
  }

  destroy(): void {
    this.destroyed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    for (const room of this.rooms.values()) room.disconnected();
    this.rooms.clear();
    this.setStatus('disconnected');
  }

  private join(rooms: MuxRoom[]): void {
    if (rooms.length === 0) return;
    this.joinFramesSent++;
    this.ws?.send(bytes(writeJoin(rooms.map((room) => room.joinRequest()))));
    for (const room of rooms) room.joined();
  }

  private receive(bytes: Uint8Array): void {
    let frame: ReturnType<typeof readMuxFrame>;
    try {
      frame = readMuxFrame(bytes);
    } catch (error) {
      console.error('sync: undecodable frame from the server, reconnecting', error);
      this.ws?.close();
      return;
    }
    if (frame.op === 'message') this.rooms.get(frame.room)?.receive(frame.frame);
    else if (frame.op === 'closed') this.rooms.get(frame.room)?.closedByServer(frame.code, frame.reason);
  }

  private scheduleRetry(): void {
    if (this.destroyed || this.rooms.size === 0) return;
    this.attempts++;
    const delay = reconnectDelayMs(this.attempts, this.options.random ?? Math.random, {
      ...DEFAULT_BACKOFF,
      maxDelayMs: this.options.maxBackoffMs ?? DEFAULT_BACKOFF.maxDelayMs,
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private setStatus(status: MuxStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

/** lib0 builds frames on plain ArrayBuffers; the DOM's `send` types ask for exactly that. */
function bytes(frame: Uint8Array): Uint8Array<ArrayBuffer> {
  return frame as Uint8Array<ArrayBuffer>;
}
