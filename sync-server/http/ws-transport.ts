import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as wsModule from 'ws';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { MUX_PATH } from '../../shared/mux-wire';
import { CloseCode, DURABLE_ACK_PARAM } from '../../shared/protocol';
import { boardOfRoom, isValidRoomName } from '../../shared/room-names';
import type { Logger, SyncSocket } from '../core/ports';
import { type ConnectionHandlers, IGNORED, type SyncCore } from '../core/sync-core';
import { AddressLimiter } from '../limits/address-limiter';
import { ConnectRateLimiter } from '../limits/connect-rate';
import { TokenBucket } from '../limits/token-bucket';
import { MuxSession } from './mux-session';

/** The access decision for one upgrade request (see auth for token checks). */
export type AccessDecision =
  /**
   * `expiresAt` (epoch ms): the connection is closed with 4401 when its token expires. `generation`:
   * its token's, so a revocation of the board closes it (S12.3); absent when nothing can revoke it.
   */
  | { ok: true; readOnly: boolean; expiresAt?: number; generation?: number }
  | { ok: false; status: 401 | 403 | 429 | 503; reason: string };
export type Authorizer = (
  req: IncomingMessage,
  room: string,
  url: URL,
) => Promise<AccessDecision> | AccessDecision;

export const openAccess: Authorizer = () => ({ ok: true, readOnly: false });

export interface WsTransportOptions {
  core: SyncCore;
  logger: Logger;
  maxMessageBytes: number;
  /** Open connections allowed per client address (0: no limit); more are refused with 429. */
  maxConnectionsPerAddress: number;
  /** New connections per second per client address, and the burst above it (0: no limit); 429. */
  connectRatePerAddress?: number;
  connectBurstPerAddress?: number;
  /** Rooms a multiplexed socket may join or leave per second, and the burst above it (0: no limit). */
  muxJoinsPerSecond?: number;
  muxJoinBurst?: number;
  /** Behind a reverse proxy: the client address is the last X-Forwarded-For entry. */
  trustProxy?: boolean;
  authorize: Authorizer;
  /**
   * Ping every socket this often and drop those that did not answer the previous ping: a client
   * whose network vanished never closes its end, and its presence would linger (0: off).
   */
  heartbeatMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 30_000;

/**
 * A `ws` socket that carries what the transport keeps per connection as plain fields. Its event
 * listeners are shared functions that read them through `this` (an emitter calls its listeners on
 * itself), so an idle connection costs no closures: memory per connection is a published target.
 */
class TransportSocket extends WebSocket {
  core: ConnectionHandlers = IGNORED;
  transport: TransportContext | null = null;
  room = '';
  address = '';
  /** Whether it answered the last heartbeat ping. */
  alive = true;
  /** Cancels the token-expiry timer, if the token expires. */
  cancelExpiry: (() => void) | null = null;
  /** Its token's generation (S12.3); null when no token is revocable (open mode). */
  generation: number | null = null;
}

/** What the shared listeners need from the transport that owns a socket. */
interface TransportContext {
  logger: Logger;
  maxMessageBytes: number;
}

// The listeners below are only registered on sockets the server made, so `this` is a TransportSocket.

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const ws = this as TransportSocket;
  if (!isBinary) {
    ws.transport?.logger.warn(
      { room: ws.room, addr: ws.address },
      'malformed message: a text frame (the protocol is binary)',
    );
    ws.close(CloseCode.protocolError, 'text frames are not part of the protocol');
    ws.core.handleClose(CloseCode.protocolError, 'sent a text frame');
    return;
  }
  ws.core.handleFrame(toUint8Array(data));
}

function onError(this: WebSocket, error: Error & { code?: string }): void {
  // ws closes the socket itself (e.g. 1009 for a frame above maxPayload); log why.
  const ws = this as TransportSocket;
  const tooBig = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
  ws.transport?.logger.warn(
    {
      room: ws.room,
      addr: ws.address,
      code: error.code,
      maxBytes: tooBig ? ws.transport.maxMessageBytes : undefined,
    },
    tooBig ? `message too big, closing with 1009: ${error.message}` : `socket error: ${error.message}`,
  );
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const ws = this as TransportSocket;
  ws.cancelExpiry?.();
  ws.core.handleClose(code, reason.toString());
}

function onPong(this: WebSocket): void {
  (this as TransportSocket).alive = true;
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/**
 * Adapts `ws` to the core: validates the room (the URL path) and access at the HTTP upgrade,
 * before any document is loaded, then hands the socket to the core.
 */
export function createWsTransport(options: WsTransportOptions) {
  const { core, logger } = options;
  const perAddress = new AddressLimiter(options.maxConnectionsPerAddress);
  const connectRate = new ConnectRateLimiter(
    options.connectRatePerAddress ?? 0,
    options.connectBurstPerAddress ?? options.connectRatePerAddress ?? 0,
  );
  const muxJoinsPerSecond = options.muxJoinsPerSecond ?? 0;
  const muxJoinBurst = Math.max(1, options.muxJoinBurst ?? muxJoinsPerSecond);
  const releaseSlot = function (this: Duplex): void {
    perAddress.release(this);
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    perMessageDeflate: false,
    WebSocket: TransportSocket,
  });
  const context: TransportContext = { logger, maxMessageBytes: options.maxMessageBytes };
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', destroyOnError);
    const url = new URL(req.url ?? '/', 'http://localhost');
    // One socket for any number of rooms (S14): each room's access is checked when it is joined.
    const mux = url.pathname === MUX_PATH;
    let room = MUX_PATH;
    if (!mux) {
      try {
        room = decodeURIComponent(url.pathname.slice(1));
      } catch {
        return refuse(socket, 400, 'room name is not valid URL encoding');
      }
    }
    if (!mux && !isValidRoomName(room)) {
      logger.info({ room: room.slice(0, 80) }, 'upgrade refused: invalid room name');
      return refuse(socket, 400, 'invalid room name: use 1-200 of A-Z a-z 0-9 _ - .');
    }
    const remoteAddress = clientAddress(req, options.trustProxy ?? false);
    // Taken before the (async) token check so concurrent upgrades count; given back when the socket closes.
    if (!connectRate.take(remoteAddress)) {
      logger.warn({ room, addr: remoteAddress }, 'upgrade refused: this address opens connections too fast');
      return refuse(socket, 429, 'too many new connections from this address; retry shortly');
    }
    if (!perAddress.acquire(socket, remoteAddress)) {
      logger.warn({ room, addr: remoteAddress }, 'upgrade refused: too many connections from this address');
      return refuse(socket, 429, 'too many connections from this address');
    }
    socket.on('close', releaseSlot);
    if (mux) {
      wss.handleUpgrade(req, socket, head, (upgraded) => {
        const ws = upgraded as TransportSocket;
        listen(ws, room, remoteAddress);
        ws.core = new MuxSession(new WsSyncSocket(ws), {
          core,
          logger,
          remoteAddress,
          authorize: (joined) => options.authorize(req, joined, url),
          at: atTime,
          joinLimit: muxJoinsPerSecond > 0 ? new TokenBucket(muxJoinsPerSecond, muxJoinBurst, Date) : null,
        });
      });
      return;
    }
    const decision = await options.authorize(req, room, url);
    if (!decision.ok) {
      logger.info(
        { room, addr: remoteAddress, status: decision.status, reason: decision.reason },
        'upgrade refused',
      );
      return refuse(socket, decision.status, decision.reason);
    }
    const durableAck = url.searchParams.get(DURABLE_ACK_PARAM) === '1';
    wss.handleUpgrade(req, socket, head, (upgraded) => {
      const ws = upgraded as TransportSocket;
      listen(ws, room, remoteAddress);
      const handlers = core.handleConnection(new WsSyncSocket(ws), {
        room,
        readOnly: decision.readOnly,
        durableAck,
        remoteAddress,
      });
      ws.core = handlers;
      if (decision.generation !== undefined) ws.generation = decision.generation;
      if (decision.expiresAt !== undefined) {
        ws.cancelExpiry = atTime(decision.expiresAt, () => {
          logger.info({ room, addr: remoteAddress }, 'token expired while connected: closing');
          handlers.close(CloseCode.tokenExpired, 'token expired');
        });
      }
    });
  }

  function listen(ws: TransportSocket, room: string, remoteAddress: string): void {
    ws.transport = context;
    ws.room = room;
    ws.address = remoteAddress;
    ws.on('pong', onPong);
    ws.on('message', onMessage);
    ws.on('error', onError);
    ws.on('close', onClose);
  }

  if (heartbeatMs > 0) {
    const timer = setInterval(() => {
      for (const client of wss.clients) {
        const ws = client as TransportSocket;
        if (!ws.alive) {
          logger.info({ room: ws.room, addr: ws.address }, 'dropping a socket that did not answer a ping');
          ws.terminate();
          continue;
        }
        ws.alive = false;
        ws.ping();
      }
    }, heartbeatMs);
    timer.unref();
    wss.on('close', () => clearInterval(timer));
  }

  /** Closes (4401) every connection to `board`'s rooms whose token is revoked; returns how many. */
  function closeRevoked(board: string, revokedAt: number): number {
    let closed = 0;
    for (const client of wss.clients) {
      const ws = client as TransportSocket;
      if (ws.core instanceof MuxSession) {
        closed += ws.core.closeRevoked(board, revokedAt);
        continue;
      }
      if (ws.generation === null || ws.generation > revokedAt || boardOfRoom(ws.room) !== board) continue;
      logger.info({ room: ws.room, addr: ws.address }, 'token revoked while connected: closing');
      ws.core.close(CloseCode.tokenRevoked, 'token revoked');
      closed++;
    }
    return closed;
  }

  return { wss, handleUpgrade, closeRevoked };
}

/** The client's address; behind a trusted proxy, the one it appended to X-Forwarded-For. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').pop()?.trim();
  return last || req.socket.remoteAddress || 'unknown';
}

/** Node timers overflow past ~24.8 days, so a far expiry is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs `fn` at epoch-ms `when`; returns a cancel function. */
function atTime(when: number, fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const delay = when - Date.now();
    timer = delay > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, delay));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

/** The parts of a `ws` socket the fast path uses (stable for years, but private: checked at run time). */
interface RawSocket {
  write(data: Buffer): boolean;
  cork(): void;
  uncork(): void;
  once(event: 'drain', listener: () => void): unknown;
}
interface WsInternals {
  _socket?: RawSocket;
  _sender?: { _bufferedBytes?: number };
}

/**
 * Broadcast frames are shared: the core sends one Uint8Array to every connection of a room, one after
 * the other. From its second recipient on, we build the complete websocket frame (header + payload)
 * once and write it to each TCP socket as one buffer, instead of letting `ws` frame it again per
 * recipient (a header buffer, cork, two writes, uncork). Server frames are not masked, so the bytes are
 * the same for everyone. The first recipient gets header and payload in one corked write with no copy:
 * most frames (the replies to one joiner) are never sent again, and copying them only made garbage.
 * Only the payload sent last is remembered (a broadcast's sends come in a row), not a weak map of every
 * payload: each young-generation collection has to walk a weak map's entries whose keys are young.
 */
let lastPayload: Uint8Array | null = null;
/** The whole frame of `lastPayload`, or null while it has gone to one socket only. */
let lastFrame: Buffer | null = null;

/** `ws` exports its frame encoder (`Sender.frame`), but @types/ws does not declare it. */
const { Sender } = wsModule as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
    ): Buffer[];
  };
};

const BINARY_FRAME = { fin: true, opcode: 0x02, mask: false, readOnly: true, rsv1: false } as const;

function writeFrame(socket: RawSocket, data: Uint8Array): void {
  if (data === lastPayload && lastFrame !== null) {
    socket.write(lastFrame);
    return;
  }
  const parts = Sender.frame(Buffer.from(data.buffer, data.byteOffset, data.byteLength), BINARY_FRAME);
  if (data !== lastPayload) {
    lastPayload = data;
    lastFrame = null;
    socket.cork();
    for (const part of parts) socket.write(part);
    socket.uncork();
    return;
  }
  lastFrame = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  socket.write(lastFrame);
}

/** The core's view of a `ws` socket (methods on a class: no closures per connection). */
class WsSyncSocket implements SyncSocket {
  constructor(private readonly ws: WebSocket) {}

  send(frame: Uint8Array): void {
    const ws = this.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    const internals = ws as unknown as WsInternals;
    const socket = internals._socket;
    // Only when ws has nothing queued of its own (it queues while compressing, which is off),
    // so frames keep their order.
    if (socket !== undefined && internals._sender?._bufferedBytes === 0) writeFrame(socket, frame);
    else ws.send(frame);
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /**
   * `ws` has no drain event of its own; its TCP socket has, and emits it once all it queued was
   * handed to the kernel (ws queues nothing itself with compression off).
   */
  onDrain(fn: () => void): void {
    const socket = (this.ws as unknown as WsInternals)._socket;
    // Without its TCP socket (not opened or gone), nothing will drain: answer at once, never hang.
    if (socket === undefined || this.ws.bufferedAmount === 0) setImmediate(fn);
    else socket.once('drain', fn);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  pauseReading(): void {
    this.ws.pause();
  }

  resumeReading(): void {
    this.ws.resume();
  }

  probe(timeoutMs: number, onResult: (alive: boolean) => void): void {
    const ws = this.ws;
    if (ws.readyState !== WebSocket.OPEN) {
      onResult(false);
      return;
    }
    const answered = () => {
      clearTimeout(timer);
      onResult(true);
    };
    const timer = setTimeout(() => {
      ws.off('pong', answered);
      onResult(false);
    }, timeoutMs);
    timer.unref();
    ws.once('pong', answered);
    ws.ping();
  }
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const statusText: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    429: 'Too Many Requests',
    503: 'Service Unavailable',
  };
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
