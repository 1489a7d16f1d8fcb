/**
 * One websocket to the server's multiplexed endpoint (`/_mux`, sync-server/SPEC.md S14) carrying
 * every room of the page. Rooms subscribe with a provider (mux-provider.ts for tests and tools,
 * shared-socket-provider.ts for the page's documents); on every (re)connect they are joined in one
 * frame that carries each room's state vector, so every room resyncs in one round trip. The token
 * is given once, in the URL (browsers cannot set websocket headers), and the server checks it
 * against each room as it is joined.
 *
 * A server without `/_mux` (an older Trellis, the reference y-websocket server) must never receive
 * multiplexed frames: the reference server takes any path as a room. So before the first socket,
 * `GET /_mux` is asked over HTTP: Trellis answers 426 (Upgrade Required); any other answer switches
 * this object to one plain y-websocket socket per room, and the providers notice nothing.
 */
import {
  MUX_PATH,
  type MuxJoin,
  readMuxFrame,
  writeJoin,
  writeLeave,
  writeMessage,
} from '../../shared/mux-wire';
import { DURABLE_ACK_PARAM, TOKEN_PARAM } from '../../shared/protocol';
import { encodeSyncStep1 } from '../../shared/wire';
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
  /** The shared socket closed (with this code, 1006 when unknown): the room is no longer joined. */
  disconnected(code: number, reason: string): void;
}

export type MuxStatus = 'connecting' | 'connected' | 'disconnected';
/** `unknown` until the server was asked; `per-room` when it has no multiplexed endpoint. */
export type MuxMode = 'unknown' | 'mux' | 'per-room';

export interface MuxSocketOptions {
  /** The server's websocket base URL (`ws://host:port`). */
  serverUrl: string;
  token?: string | null;
  WebSocketImpl?: new (url: string) => WebSocket;
  /**
   * Reconnect the shared socket by itself after it closes (default true). The page's registry turns
   * this off: each document's ReconnectController asks again, and the first to ask reopens it.
   */
  autoReconnect?: boolean;
  /** Ceiling of the reconnect backoff. */
  maxBackoffMs?: number;
  random?: () => number;
  /** Asks `GET /_mux`: resolves with the HTTP status, rejects when the server cannot be reached. */
  probe?: (httpUrl: string) => Promise<number>;
  /** Skip the probe: the server is known to offer `/_mux` (tests, benchmarks). */
  knownMode?: Exclude<MuxMode, 'unknown'>;
}

/**
 * A per-room close code from 4400 to 4499 means retrying cannot help (as for the per-room socket);
 * others are retried by joining the room again after a backoff.
 */
export function isFinalRoomClose(code: number): boolean {
  return code >= 4400 && code < 4500;
}

/** The status Trellis answers a plain `GET /_mux` with. */
export const MUX_PROBE_STATUS = 426;

const fetchStatus = async (url: string): Promise<number> => (await fetch(url)).status;

export class MuxSocket {
  private ws: WebSocket | null = null;
  private readonly rooms = new Map<string, MuxRoom>();
  /** Per-room mode: one plain socket per room. */
  private readonly links = new Map<string, WebSocket>();
  private readonly statusListeners = new Set<(status: MuxStatus) => void>();
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private probing = false;
  private destroyed = false;
  mode: MuxMode;
  status: MuxStatus = 'disconnected';
  /** Connection attempts, sockets that opened, and join frames sent (tests and benchmarks count them). */
  socketsOpened = 0;
  connections = 0;
  joinFramesSent = 0;

  constructor(private readonly options: MuxSocketOptions) {
    this.mode = options.knownMode ?? 'unknown';
  }

  get url(): string {
    return `${this.base}${MUX_PATH}${this.query(false)}`;
  }

  private get base(): string {
    return this.options.serverUrl.replace(/\/$/, '');
  }

  private query(durable: boolean): string {
    const params = new URLSearchParams();
    if (this.options.token) params.set(TOKEN_PARAM, this.options.token);
    if (durable) params.set(DURABLE_ACK_PARAM, '1');
    const text = params.toString();
    return text ? `?${text}` : '';
  }

  onStatus(listener: (status: MuxStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Adds a room (or asks again for one the server closed); joined now if the socket is open. */
  add(room: MuxRoom): void {
    this.rooms.set(room.room, room);
    if (this.mode === 'per-room') this.openLink(room);
    else if (this.status === 'connected') this.join([room]);
    else this.connect();
  }

  /** Leaves a room (a message; the socket stays open for the others). The room is not called back. */
  remove(room: MuxRoom): void {
    if (this.rooms.get(room.room) !== room) return;
    this.rooms.delete(room.room);
    if (this.mode === 'per-room') {
      const link = this.links.get(room.room);
      this.links.delete(room.room);
      link?.close();
    } else if (this.status === 'connected') {
      this.ws?.send(bytes(writeLeave(room.room)));
    }
    // No room left (the page went offline, or closed its documents): the server need not keep it.
    if (this.rooms.size === 0) this.ws?.close(1000, 'no rooms left');
  }

  /** Joins a room again after the server closed it with a retryable code. */
  rejoin(room: MuxRoom): void {
    if (this.rooms.get(room.room) === room) this.add(room);
  }

  send(room: string, frame: Uint8Array): void {
    if (this.mode === 'per-room') {
      const link = this.links.get(room);
      if (link !== undefined && link.readyState === 1) link.send(bytes(frame));
      return;
    }
    if (this.status === 'connected' && this.rooms.has(room)) this.ws?.send(bytes(writeMessage(room, frame)));
  }

  connect(): void {
    if (this.destroyed || this.ws !== null || this.probing || this.mode === 'per-room') return;
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    if (this.mode === 'unknown') {
      this.probe();
      return;
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
      this.connections++;
      this.setStatus('connected');
      this.join([...this.rooms.values()]);
    };
    ws.onmessage = (event: MessageEvent) => {
      if (this.ws !== ws) return;
      this.receive(new Uint8Array(event.data as ArrayBuffer));
    };
    // A failed attempt is followed by its close event, which does the rest.
    ws.onerror = () => {};
    ws.onclose = (event: { code: number; reason: string }) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setStatus('disconnected');
      for (const room of [...this.rooms.values()]) room.disconnected(event.code || 1006, event.reason ?? '');
      this.scheduleRetry();
    };
  }

  /** Closes the shared socket (its rooms see a disconnect). */
  disconnect(): void {
    this.ws?.close();
  }

  destroy(): void {
    this.destroyed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.rooms.clear();
    this.setStatus('disconnected');
  }

  /** Asks the server over HTTP whether it has `/_mux`, then connects the way it allows. */
  private probe(): void {
    this.probing = true;
    this.setStatus('connecting');
    const httpUrl = `${this.base.replace(/^ws/, 'http')}${MUX_PATH}`;
    (this.options.probe ?? fetchStatus)(httpUrl).then(
      (status) => {
        this.probing = false;
        if (this.destroyed) return;
        this.mode = status === MUX_PROBE_STATUS ? 'mux' : 'per-room';
        if (this.mode === 'mux') {
          this.connect();
          return;
        }
        this.setStatus('disconnected');
        for (const room of [...this.rooms.values()]) this.openLink(room);
      },
      () => {
        // Unreachable: every room is told, as for a socket that did not open; asked again next time.
        this.probing = false;
        if (this.destroyed) return;
        this.setStatus('disconnected');
        for (const room of [...this.rooms.values()]) room.disconnected(1006, 'server unreachable');
        this.scheduleRetry();
      },
    );
  }

  private join(rooms: MuxRoom[]): void {
    if (rooms.length === 0) return;
    this.joinFramesSent++;
    this.ws?.send(bytes(writeJoin(rooms.map((room) => room.joinRequest()))));
    for (const room of rooms) room.joined();
  }

  private receive(data: Uint8Array): void {
    let frame: ReturnType<typeof readMuxFrame>;
    try {
      frame = readMuxFrame(data);
    } catch (error) {
      console.error('sync: undecodable frame from the server, reconnecting', error);
      this.ws?.close();
      return;
    }
    if (frame.op === 'message') this.rooms.get(frame.room)?.receive(frame.frame);
    else if (frame.op === 'closed') this.rooms.get(frame.room)?.closedByServer(frame.code, frame.reason);
  }

  /** Per-room mode: a plain y-websocket socket for one room, as the stock provider opens. */
  private openLink(room: MuxRoom): void {
    if (this.destroyed || this.links.has(room.room)) return;
    const join = room.joinRequest();
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    const ws = new Impl(`${this.base}/${encodeURIComponent(room.room)}${this.query(join.durableAck)}`);
    ws.binaryType = 'arraybuffer';
    this.links.set(room.room, ws);
    this.socketsOpened++;
    ws.onopen = () => {
      if (this.links.get(room.room) !== ws) return;
      this.connections++;
      // Taken again: the document may have changed while the socket opened.
      const vector = room.joinRequest().stateVector;
      if (vector !== null) ws.send(bytes(encodeSyncStep1(vector)));
      room.joined();
    };
    ws.onmessage = (event: MessageEvent) => {
      if (this.links.get(room.room) === ws) room.receive(new Uint8Array(event.data as ArrayBuffer));
    };
    ws.onerror = () => {};
    ws.onclose = (event: { code: number; reason: string }) => {
      if (this.links.get(room.room) !== ws) return;
      this.links.delete(room.room);
      room.closedByServer(event.code || 1006, event.reason ?? '');
    };
  }

  private scheduleRetry(): void {
    if (this.destroyed || this.rooms.size === 0 || this.options.autoReconnect === false) return;
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
