import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import type { Logger } from '../../../sync-server/core/ports';

/** A bare websocket to the server, for sending frames no provider would send. */
export async function openRawSocket(
  wsUrl: string,
  room: string,
): Promise<{ ws: WebSocket; frames: Uint8Array[] }> {
  const ws = new WebSocket(`${wsUrl}/${room}`);
  const frames: Uint8Array[] = [];
  ws.on('message', (data: Buffer) => frames.push(new Uint8Array(data)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames };
}

export function whenClosed(ws: WebSocket, timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket not closed after ${timeoutMs} ms`)), timeoutMs);
    ws.once('close', (code: number, reason: Buffer) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

/** A logger that keeps what it was told, so tests can check a logged reason. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg = '') =>
      entries.push({ level, obj, msg });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * A websocket client on a bare TCP socket whose reading can be stopped and restarted: while
 * stalled it reads nothing at all (not even pings), as a client on a saturated link or a frozen
 * tab. `ws` pauses and resumes its own socket as its parser drains, so it cannot hold a stall.
 * Server frames are unmasked; ours are masked, as RFC 6455 requires of a client.
 */
export interface StallableSocket {
  /** Whole messages received, in order (continuations joined). */
  onMessage(listener: (message: Uint8Array) => void): void;
  send(message: Uint8Array): void;
  stall(): void;
  resume(): void;
  /** The close frame's code once the server sent one, or the socket ended without one (1006). */
  readonly closeCode: number | null;
  destroy(): void;
}

export async function openStallableSocket(port: number, room: string): Promise<StallableSocket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.write(
    [
      `GET /${room} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n'),
  );
  const listeners: Array<(message: Uint8Array) => void> = [];
  /** Messages that came with the upgrade response, before anyone listened. */
  const backlog: Uint8Array[] = [];
  let closeCode: number | null = null;
  let pending: Buffer = Buffer.alloc(0);
  let chunks: Buffer[] = [];
  let received = 0;
  /** Bytes the frame being read needs in all; until they arrived, chunks are only collected. */
  let needed = 0;
  let upgraded = false;
  let fragments: Buffer[] = [];

  const writeFrame = (opcode: number, payload: Uint8Array): void => {
    const length = payload.byteLength;
    const header =
      length < 126
        ? Buffer.from([0x80 | opcode, 0x80 | length])
        : length < 65536
          ? Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff])
          : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), u64(length)]);
    const mask = randomBytes(4);
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i]! ^= mask[i & 3]!;
    socket.write(Buffer.concat([header, mask, masked]));
  };

  const parse = (): void => {
    for (;;) {
      if (pending.length < 2) return;
      const fin = (pending[0]! & 0x80) !== 0;
      const opcode = pending[0]! & 0x0f;
      let length = pending[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (pending.length < 10) return;
        length = Number(pending.readBigUInt64BE(2));
        offset = 10;
      }
      if (pending.length < offset + length) {
        // Wait for the whole frame before joining chunks again (a large frame arrives in many).
        needed = offset + length;
        return;
      }
      needed = 0;
      const payload = pending.subarray(offset, offset + length);
      pending = pending.subarray(offset + length);
      if (opcode === 0x9) writeFrame(0xa, payload);
      else if (opcode === 0x8) closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      else if (opcode === 0x0 || opcode === 0x1 || opcode === 0x2) {
        fragments.push(Buffer.from(payload));
        if (fin) {
          const message = new Uint8Array(fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments));
          fragments = [];
          if (listeners.length === 0) backlog.push(message);
          for (const listener of listeners) listener(message);
        }
      }
    }
  };

  await new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < needed) return;
      pending = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      chunks = [pending];
      if (!upgraded) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101')) {
          reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
          return;
        }
        upgraded = true;
        pending = pending.subarray(end + 4);
        resolve();
      }
      parse();
      chunks = pending.length > 0 ? [pending] : [];
      received = pending.length;
    });
    socket.once('error', reject);
  });
  socket.on('close', () => {
    closeCode ??= 1006;
  });
  socket.on('error', () => {});
  return {
    onMessage: (listener) => {
      listeners.push(listener);
      for (const message of backlog.splice(0)) listener(message);
    },
    send: (message) => writeFrame(0x2, message),
    stall: () => socket.pause(),
    resume: () => socket.resume(),
    get closeCode() {
      return closeCode;
    },
    destroy: () => socket.destroy(),
  };
}

function u64(n: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64BE(BigInt(n));
  return buffer;
}
