/**
 * Hocuspocus (@hocuspocus/server) as a peer in the latency benchmark, with its default configuration:
 * documents in memory, no extensions (it broadcasts before anything is stored; there is no store).
 * Run as its own process: node --import tsx test/bench/hocuspocus-server.ts (env HOST, PORT).
 * Any HTTP GET is answered 200 ("Welcome to Hocuspocus!"), which the harness takes as healthy.
 */
import { Server } from '@hocuspocus/server';

const server = new Server({
  address: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? '0'),
  quiet: true,
  // The harness stops it with SIGTERM, as the other servers.
  stopOnSignals: true,
});

server.listen().then(
  () => process.stdout.write(`${JSON.stringify({ msg: 'listening', port: server.address.port })}\n`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
