/**
 * The physical ceiling for the benchmark: the same websocket fan-out as a y-websocket server with
 * nothing else. A frame received from a socket is sent verbatim to every other socket of its room
 * (the URL path); no Yjs, no parsing, no persistence. Run as its own process:
 *   node --import tsx test/bench/raw-relay.ts   (env HOST, PORT; PORT=0 picks a free port)
 * It logs one JSON line `{"msg":"listening","port":N}` and answers `GET /healthz` with 200.
 */
import http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? '0');

const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

const server = http.createServer((request, response) => {
  const ok = request.url === '/healthz';
  response.writeHead(ok ? 200 : 404, { 'content-type': 'text/plain' });
  response.end(ok ? 'ok' : 'not found');
});

server.on('upgrade', (request, socket, head) => {
  const roomName = (request.url ?? '/').slice(1).split('?')[0] ?? '';
  wss.handleUpgrade(request, socket, head, (ws) => {
    let room = rooms.get(roomName);
    if (room === undefined) {
      room = new Set();
      rooms.set(roomName, room);
    }
    const members = room;
    members.add(ws);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      for (const peer of members) {
        if (peer !== ws && peer.readyState === WebSocket.OPEN) peer.send(data, { binary: isBinary });
      }
    });
    ws.on('close', () => {
      members.delete(ws);
      if (members.size === 0) rooms.delete(roomName);
    });
    ws.on('error', () => ws.terminate());
  });
});

server.listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', host, port: actualPort })}\n`);
});

const shutdown = (): void => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
