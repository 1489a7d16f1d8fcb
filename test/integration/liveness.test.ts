import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../shared/wire';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, startTestServer, whenSynced } from './support/harness';
import { openRawSocket, openStallableSocket } from './support/raw-socket';

afterEach(cleanup);

/** An awareness frame announcing `clientId` at `clock` with a name. */
function awarenessFrame(clientId: number, clock: number, name: string | null): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, clock);
  encoding.writeVarString(update, JSON.stringify(name === null ? null : { name }));
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, 1);
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
  return encoding.toUint8Array(frame);
}

describe('connection liveness', () => {
  it('a client alone in a room hears its own awareness renewal back, so its provider never times out', async () => {
    const server = await startTestServer();
    const { ws, frames } = await openRawSocket(server.wsUrl, 'room-alone');
    ws.send(awarenessFrame(4242, 1, 'alone'));
    await waitUntil(
      () => frames.some((f) => decodeFrame(f).kind === 'awareness'),
      'the lone client receives an awareness frame',
    );
    ws.close();
  });

  it('sockets that stop answering pings are dropped; live providers stay', async () => {
    const server = await startTestServer({ heartbeatMs: 100 });
    const live = connectClient(server.wsUrl, 'room-heartbeat');
    await whenSynced(live);
    const { ws } = await openRawSocket(server.wsUrl, 'room-heartbeat');
    // A vanished network: the socket stays open but nothing answers the server's pings.
    (
      ws as unknown as { _receiver: { removeAllListeners(event: string): void } }
    )._receiver.removeAllListeners('ping');
    ws.pong = () => {};
    await waitUntil(() => server.core.connectionCount === 1, 'the silent socket is dropped', 3_000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(server.core.connectionCount).toBe(1);
    expect(live.provider.wsconnected).toBe(true);
  });

  it('[S5.5] closing a stale socket does not remove presence its client re-announced on a new socket', async () => {
    const server = await startTestServer({ heartbeatMs: 60_000 });
    const watcher = connectClient(server.wsUrl, 'room-stale');
    await whenSynced(watcher);
    const old = await openStallableSocket(server.port, 'room-stale');
    old.send(awarenessFrame(777, 1, 'before'));
    await waitUntil(() => watcher.provider.awareness.getStates().has(777), 'the watcher sees 777');
    // The old socket stops answering (a network change); the client comes back on a new one.
    old.stall();
    const fresh = await openRawSocket(server.wsUrl, 'room-stale');
    fresh.ws.send(awarenessFrame(777, 2, 'after'));
    await waitUntil(
      () =>
        (watcher.provider.awareness.getStates().get(777) as { name?: string } | undefined)?.name === 'after',
      'the watcher sees the re-announcement',
    );
    old.destroy();
    await waitUntil(() => server.core.connectionCount === 2, 'the stale socket is gone');
    // A query round trip on the new socket: anything the old socket's end caused has gone out.
    fresh.ws.send(new Uint8Array([3]));
    const before = fresh.frames.length;
    await waitUntil(() => fresh.frames.length > before, 'the server answered the query');
    expect(watcher.provider.awareness.getStates().has(777)).toBe(true);
    fresh.ws.close();
    await waitUntil(
      () => !watcher.provider.awareness.getStates().has(777),
      'closing the live socket removes 777',
    );
  });
});
