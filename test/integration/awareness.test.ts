import { afterEach, describe, expect, it } from 'vitest';
import { bumpAwarenessClock } from '../../client/sync/awareness-bump';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, startTestServer, type TestClient, whenSynced } from './support/harness';

afterEach(cleanup);

/** Drops the client's socket the way a network failure does: no goodbye, then it reconnects. */
function dropSocket(client: TestClient): void {
  client.provider.ws?.close();
}

describe('awareness through the server', () => {
  it('[S5.2] a closed socket’s presence is removed and the removal reaches the others', async () => {
    const server = await startTestServer();
    const a = connectClient(server.wsUrl, 'room-presence');
    const b = connectClient(server.wsUrl, 'room-presence');
    a.provider.awareness.setLocalState({ name: 'a' });
    b.provider.awareness.setLocalState({ name: 'b' });
    await waitUntil(() => b.provider.awareness.getStates().has(a.doc.clientID), 'b sees a');
    a.provider.shouldConnect = false;
    a.provider.ws?.close();
    await waitUntil(() => !b.provider.awareness.getStates().has(a.doc.clientID), 'b no longer sees a');
  });

  it('[S5.4] a participant who drops and reconnects is visible to everyone again within a second (y-websocket #122)', async () => {
    const server = await startTestServer();
    const a = connectClient(server.wsUrl, 'room-rejoin');
    const b = connectClient(server.wsUrl, 'room-rejoin');
    // Our client wiring: bump the awareness clock whenever the socket (re)connects.
    a.provider.on('status', ({ status }) => {
      if (status === 'connected') bumpAwarenessClock(a.provider.awareness);
    });
    a.provider.awareness.setLocalState({ name: 'a' });
    b.provider.awareness.setLocalState({ name: 'b' });
    await Promise.all([whenSynced(a), whenSynced(b)]);
    await waitUntil(() => b.provider.awareness.getStates().has(a.doc.clientID), 'b sees a');
    for (let cycle = 0; cycle < 3; cycle++) {
      dropSocket(a);
      await waitUntil(
        () => !b.provider.awareness.getStates().has(a.doc.clientID),
        `b sees a leave (cycle ${cycle})`,
      );
      const left = Date.now();
      await waitUntil(
        () => b.provider.awareness.getStates().has(a.doc.clientID),
        `b sees a again (cycle ${cycle})`,
        1_000 + 1_000, // the provider's own reconnect backoff is part of this
      );
      expect(Date.now() - left).toBeLessThan(1_000);
    }
  });

  it('[S5.3] a stock reconnect is seen by new joiners even when other stock clients echo the removal back', async () => {
    const server = await startTestServer();
    const a = connectClient(server.wsUrl, 'room-echo');
    // Stock providers re-send every awareness change they hear, removals included.
    const others = [connectClient(server.wsUrl, 'room-echo'), connectClient(server.wsUrl, 'room-echo')];
    a.provider.awareness.setLocalState({ name: 'a' });
    for (const [i, o] of others.entries()) o.provider.awareness.setLocalState({ name: `o${i}` });
    await Promise.all([a, ...others].map((c) => whenSynced(c)));
    await waitUntil(
      () => others.every((o) => o.provider.awareness.getStates().has(a.doc.clientID)),
      'all see a',
    );
    dropSocket(a); // reconnects with the same clock: no bump
    await waitUntil(() => a.provider.wsconnected === false, 'a dropped');
    await waitUntil(() => a.provider.synced, 'a is back', 3_000);
    const late = connectClient(server.wsUrl, 'room-echo');
    await waitUntil(
      () => late.provider.awareness.getStates().has(a.doc.clientID),
      'a new joiner sees a',
      3_000,
    );
    const room = server.core.rooms.get('room-echo')!;
    expect(room.awareness.getStates().has(a.doc.clientID)).toBe(true);
  });

  it('[S5.4] the server forgets a removed client’s clock, so a stock reconnect is accepted and new joiners see it', async () => {
    const server = await startTestServer();
    const a = connectClient(server.wsUrl, 'room-forget');
    a.provider.awareness.setLocalState({ name: 'a' });
    await whenSynced(a);
    const room = server.core.rooms.get('room-forget')!;
    await waitUntil(() => room.awareness.getStates().has(a.doc.clientID), 'the server holds a');
    dropSocket(a); // a reconnects with the same clock (no bump): a stock provider
    await waitUntil(() => !room.awareness.getStates().has(a.doc.clientID), 'the server removed a');
    await waitUntil(
      () => room.awareness.getStates().has(a.doc.clientID),
      'the server accepts a again',
      3_000,
    );
    const c = connectClient(server.wsUrl, 'room-forget');
    await waitUntil(() => c.provider.awareness.getStates().has(a.doc.clientID), 'a new joiner sees a');
  });
});
