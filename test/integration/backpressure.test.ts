import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, startTestServer, whenSynced } from './support/harness';
import { recordingLogger } from './support/raw-socket';

afterEach(cleanup);

/** A websocket client that completes the handshake and then never reads again. */
async function openNonReadingSocket(port: number, room: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
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
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.pause();
  // Shrink our receive buffer's share: the kernel still buffers some, the server must bound the rest.
  socket.setNoDelay(true);
  return socket;
}

describe('backpressure', () => {
  it('a client that stops reading is dropped once its buffer passes the limit, and memory returns', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({ maxBufferedBytes: 256 * 1024 }, { logger });
    const room = 'room-slow';
    const writer = connectClient(server.wsUrl, room);
    const reader = connectClient(server.wsUrl, room);
    await Promise.all([whenSynced(writer), whenSynced(reader)]);
    const slow = await openNonReadingSocket(server.port, room);
    await waitUntil(() => server.core.connectionCount === 3, 'three connections');

    // Push ~40 MB through the room, bounded in count; the slow socket cannot take it.
    const chunk = 'x'.repeat(200_000);
    let pushedBytes = 0;
    for (let i = 0; i < 200 && server.core.connectionCount === 3; i++) {
      writer.text.insert(writer.text.length, chunk);
      pushedBytes += chunk.length;
      await waitUntil(() => reader.text.length === writer.text.length, `reader keeps up (${i})`);
    }
    await waitUntil(() => server.core.connectionCount === 2, 'the slow client is dropped');
    expect(logger.entries.some((e) => e.msg.includes('does not read'))).toBe(true);
    // The healthy clients are untouched and still in sync.
    writer.text.insert(0, 'still alive');
    await waitUntil(
      () => reader.text.toString().startsWith('still alive'),
      'the reader still receives edits',
    );
    // Without the limit the server would queue all 40 MB for the slow socket; with it, the drop
    // comes once the kernel's socket buffers and the 256 KiB limit are full.
    expect(pushedBytes).toBeLessThan(20 * 1024 * 1024);
    slow.destroy();
  });
});
