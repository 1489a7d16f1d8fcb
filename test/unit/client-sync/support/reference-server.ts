import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { docs, setupWSConnection } from '@y/websocket-server/utils';
import { WebSocket, WebSocketServer } from 'ws';
import * as Y from 'yjs';
import { encodeDurableAck } from '../../../../shared/wire';

/**
 * The reference y-websocket server in-process, with hooks to play Trellis's durable acks and to
 * drop connections. Rooms live in the package's module-global map: use a fresh room per test.
 */
export interface TestServer {
  url: string;
  /** The URL (path and query) of every websocket upgrade, in order. */
  readonly upgrades: string[];
  /** From now on, refuse this room's upgrades with HTTP 401 and say so at `/access/<room>`. */
  refuse(room: string): void;
  /** From now on, `/access/<room>` answers that the token only reads. */
  readOnly(room: string): void;
  /** How many `/access/…` questions were asked. */
  accessChecks(): number;
  /** Server-side sockets per room. */
  socketsOf(room: string): WebSocket[];
  /** Sends every client of the room the vector of what the server holds, as a durable ack. */
  ack(room: string, vector?: Uint8Array): void;
  serverDoc(room: string): Y.Doc | undefined;
  /** The server-side socket whose awareness carries `clientID`. */
  socketControlling(room: string, clientID: number): WebSocket | undefined;
  close(): Promise<void>;
}

export async function startReferenceServer(): Promise<TestServer> {
  const sockets = new Map<string, Set<WebSocket>>();
  const upgrades: string[] = [];
  const refused = new Set<string>();
  const readOnlyRooms = new Set<string>();
  let accessChecks = 0;
  const wss = new WebSocketServer({ noServer: true });
  const http = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/access/')) {
      accessChecks += 1;
      const room = decodeURIComponent(url.pathname.slice('/access/'.length));
      const denied = refused.has(room);
      response.writeHead(denied ? 401 : 200, { 'content-type': 'application/json' });
      const role = readOnlyRooms.has(room) ? 'read' : 'write';
      response.end(JSON.stringify(denied ? { ok: false, reason: 'missing token' } : { ok: true, role }));
      return;
    }
    response.writeHead(200).end('ok');
  });
  http.on('upgrade', (request: IncomingMessage, socket, head) => {
    upgrades.push(request.url ?? '');
    const room = (request.url ?? '/').slice(1).split('?')[0] ?? '';
    if (refused.has(room)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      let set = sockets.get(room);
      if (set === undefined) {
        set = new Set();
        sockets.set(room, set);
      }
      set.add(ws);
      ws.on('close', () => set.delete(ws));
      setupWSConnection(ws, request, { docName: room });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    upgrades,
    refuse: (room) => void refused.add(room),
    readOnly: (room) => void readOnlyRooms.add(room),
    accessChecks: () => accessChecks,
    socketsOf: (room) => [...(sockets.get(room) ?? [])],
    ack(room, vector) {
      const doc = docs.get(room);
      const frame = encodeDurableAck(vector ?? (doc ? Y.encodeStateVector(doc) : new Uint8Array([0])));
      for (const ws of sockets.get(room) ?? []) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
    serverDoc: (room) => docs.get(room),
    socketControlling(room, clientID) {
      for (const [conn, controlled] of docs.get(room)?.conns ?? []) {
        if (controlled.has(clientID)) return conn as WebSocket;
      }
      return undefined;
    },
    async close() {
      for (const set of sockets.values()) for (const ws of set) ws.terminate();
      wss.close();
      await new Promise<void>((resolve, reject) =>
        http.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** Resolves when `predicate` holds, checked on each call of `subscribe`'s listener; rejects after `ms`. */
export function waitFor(predicate: () => boolean, what: string, ms = 3_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) {
      resolve();
      return;
    }
    const started = Date.now();
    // Polling is the honest tool here: the conditions span sockets, docs and awareness.
    const timer = setInterval(() => {
      if (predicate()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(timer);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }
    }, 10);
  });
}
