import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as wsModule from 'ws';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { CloseCode, DURABLE_ACK_PARAM } from '../../shared/protocol';
import { isValidRoomName } from '../../shared/room-names';
import type { Logger, SyncSocket } from '../core/ports';
import type { SyncCore } from '../core/sync-core';
import { AddressLimiter } from '../limits/address-limiter';

/** The access decision for one upgrade request (see auth for token checks). */
export type AccessDecision =
  /** `expiresAt` (epoch ms): the connection is closed with 4401 when its token expires. */
  | { ok: true; readOnly: boolean; expiresAt?: number }
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
 * Adapts `ws` to the core: validates the room (the URL path) and access at the HTTP upgrade,
 * before any document is loaded, then hands the socket to the core.
 */
export function createWsTransport(options: WsTransportOptions) {
  const { core, logger } = options;
  const perAddress = new AddressLimiter(options.maxConnectionsPerAddress);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    perMessageDeflate: false,
  });

  /** Whether each socket answered the last heartbeat ping (absent: not pinged yet). */
  const alive = new WeakMap<WebSocket, boolean>();
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    let room: string;
    try {
      room = decodeURIComponent(url.pathname.slice(1));
    } catch {
      return refuse(socket, 400, 'room name is not valid URL encoding');
    }
    if (!isValidRoomName(room)) {
      logger.info({ room: room.slice(0, 80) }, 'upgrade refused: invalid room name');
      return refuse(socket, 400, 'invalid room name: use 1-200 of A-Z a-z 0-9 _ - .');
    }
    const remoteAddress = clientAddress(req, options.trustProxy ?? false);
    // Taken before the (async) token check so concurrent upgrades count; given back when the socket closes.
    const release = perAddress.acquire(remoteAddress);
    if (release === null) {
      logger.warn({ room, addr: remoteAddress }, 'upgrade refused: too many connections from this address');
      return refuse(socket, 429, 'too many connections from this address');
    }
    socket.once('close', release);
    const decision = await options.authorize(req, room, url);
    if (!decision.ok) {
      logger.info(
        { room, addr: remoteAddress, status: decision.status, reason: decision.reason },
        'upgrade refused',
      );
      return refuse(socket, decision.status, decision.reason);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('pong', () => alive.set(ws, true));
      const handlers = core.handleConnection(adapt(ws), {
        room,
        readOnly: decision.readOnly,
        durableAck: url.searchParams.get(DURABLE_ACK_PARAM) === '1',
        remoteAddress,
      });
      if (decision.expiresAt !== undefined) {
        const cancel = atTime(decision.expiresAt, () => {
          logger.info({ room, addr: remoteAddress }, 'token expired while connected: closing');
          handlers.close(CloseCode.tokenExpired, 'token expired');
        });
        ws.once('close', cancel);
      }
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (!isBinary) {
          logger.warn(
            { room, addr: remoteAddress },
            'malformed message: a text frame (the protocol is binary)',
          );
          ws.close(CloseCode.protocolError, 'text frames are not part of the protocol');
          handlers.handleClose(CloseCode.protocolError, 'sent a text frame');
          return;
        }
        handlers.handleFrame(toUint8Array(data));
      });
      ws.on('error', (error: Error & { code?: string }) => {
        // ws closes the socket itself (e.g. 1009 for a frame above maxPayload); log why.
        const tooBig = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
        logger.warn(
          {
            room,
            addr: remoteAddress,
            code: error.code,
            maxBytes: tooBig ? options.maxMessageBytes : undefined,
          },
          tooBig ? `message too big, closing with 1009: ${error.message}` : `socket error: ${error.message}`,
        );
      });
      ws.on('close', (code: number, reason: Buffer) => handlers.handleClose(code, reason.toString()));
    });
  }

  if (heartbeatMs > 0) {
    const timer = setInterval(() => {
      for (const ws of wss.clients) {
        if (alive.get(ws) === false) {
          logger.info({}, 'dropping a socket that did not answer a ping');
          ws.terminate();
          continue;
        }
        alive.set(ws, false);
        ws.ping();
      }
    }, heartbeatMs);
    timer.unref();
    wss.on('close', () => clearInterval(timer));
  }

  return { wss, handleUpgrade };
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
interface WsInternals {
  _socket?: { write(data: Buffer): boolean };
  _sender?: { _bufferedBytes?: number };
}

/**
 * Broadcast frames are shared: the core sends one Uint8Array to every connection of a room. We
 * build the complete websocket frame (header + payload) once per shared buffer and write it to each
 * TCP socket as one buffer, instead of letting `ws` frame it again per recipient (a header buffer,
 * cork, two writes, uncork). Server frames are not masked, so the bytes are the same for everyone.
 */
const framed = new WeakMap<Uint8Array, Buffer>();

/** `ws` exports its frame encoder (`Sender.frame`), but @types/ws does not declare it. */
const { Sender } = wsModule as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
    ): Buffer[];
  };
};

function frameOnce(data: Uint8Array): Buffer {
  let frame = framed.get(data);
  if (frame === undefined) {
    const payload = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const parts = Sender.frame(payload, {
      fin: true,
      opcode: 0x02,
      mask: false,
      readOnly: true,
      rsv1: false,
    });
    frame = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    framed.set(data, frame);
  }
  return frame;
}

function adapt(ws: WebSocket): SyncSocket {
  const internals = ws as unknown as WsInternals;
  return {
    send: (frame) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const socket = internals._socket;
      // Only when ws has nothing queued of its own (it queues while compressing, which is off),
      // so frames keep their order.
      if (socket !== undefined && internals._sender?._bufferedBytes === 0) socket.write(frameOnce(frame));
      else ws.send(frame);
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
  };
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
