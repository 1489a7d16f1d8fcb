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
