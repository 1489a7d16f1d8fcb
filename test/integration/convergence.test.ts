import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom, waitUntil } from '../support/wait';
import { cleanup, connectClient, startTestServer, type TestClient, whenSynced } from './support/harness';

afterEach(cleanup);

function allEqual(clients: TestClient[]): boolean {
  const first = clients[0]!.text.toString();
  return clients.every((c) => c.text.toString() === first);
}

describe('convergence through the server', () => {
  it('two clients converge on the same content', async () => {
    const server = await startTestServer();
    const a = connectClient(server.wsUrl, 'room-two');
    const b = connectClient(server.wsUrl, 'room-two');
    await Promise.all([whenSynced(a), whenSynced(b)]);
    a.text.insert(0, 'hello ');
    b.text.insert(0, 'world ');
    await waitUntil(() => allEqual([a, b]) && a.text.length === 12, 'both clients hold both edits');
    expect(a.text.toString()).toContain('hello');
    expect(b.text.toString()).toContain('world');
  });

  it('twenty clients editing at once converge', async () => {
    const server = await startTestServer();
    const clients = Array.from({ length: 20 }, () => connectClient(server.wsUrl, 'room-twenty'));
    await Promise.all(clients.map((c) => whenSynced(c)));
    for (let round = 0; round < 5; round++) {
      clients.forEach((c, i) => {
        c.text.insert(0, `[${i}:${round}]`);
      });
    }
    await waitUntil(
      () => allEqual(clients) && clients[0]!.text.toString().split('[').length - 1 === 100,
      'all twenty hold all 100 edits',
    );
    for (let i = 0; i < 20; i++) expect(clients[0]!.text.toString()).toContain(`[${i}:4]`);
  });

  it('join gap: clients joining at random moments while others edit end with every edit and see everyone', async () => {
    const seed = 20261126;
    const random = seededRandom(seed);
    const server = await startTestServer();
    const room = 'room-join-gap';
    const editors = Array.from({ length: 5 }, (_, i) => {
      const c = connectClient(server.wsUrl, room);
      c.provider.awareness.setLocalState({ name: `editor-${i}` });
      return c;
    });
    await Promise.all(editors.map((c) => whenSynced(c)));
    const joiners: TestClient[] = [];
    let edits = 0;
    // 20 joiners at random moments over ~1 s while the editors keep typing.
    const joinTimes = Array.from({ length: 20 }, () => Math.floor(random() * 1000)).sort((x, y) => x - y);
    const started = Date.now();
    let next = 0;
    while (next < joinTimes.length) {
      const editor = editors[edits % editors.length]!;
      editor.text.insert(editor.text.length, `e${edits};`);
      edits++;
      while (next < joinTimes.length && Date.now() - started >= joinTimes[next]!) {
        const joiner = connectClient(server.wsUrl, room);
        joiner.provider.awareness.setLocalState({ name: `joiner-${next}` });
        joiners.push(joiner);
        next++;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const everyone = [...editors, ...joiners];
    await Promise.all(joiners.map((c) => whenSynced(c)));
    await waitUntil(
      () => allEqual(everyone) && everyone[0]!.text.toString().split(';').length - 1 === edits,
      `all 25 clients hold all ${edits} edits (seed ${seed})`,
    );
    const ids = everyone.map((c) => c.doc.clientID);
    await waitUntil(
      () => everyone.every((c) => ids.every((id) => c.provider.awareness.getStates().has(id))),
      `every client sees all 25 participants in awareness (seed ${seed})`,
    );
    expect(everyone[0]!.provider.awareness.getStates().size).toBeGreaterThanOrEqual(25);
  });

  it('offline merge: edits made while disconnected and edits made online both survive', async () => {
    const server = await startTestServer();
    const a = connectClient(server.wsUrl, 'room-offline');
    const b = connectClient(server.wsUrl, 'room-offline');
    await Promise.all([whenSynced(a), whenSynced(b)]);
    a.text.insert(0, 'base.');
    await waitUntil(() => b.text.toString() === 'base.', 'b sees the base text');
    a.provider.disconnect();
    a.text.insert(a.text.length, 'offline-a.');
    b.text.insert(0, 'online-b.');
    await waitUntil(() => server.core.rooms.get('room-offline') !== undefined, 'room stays loaded');
    a.provider.connect();
    await waitUntil(
      () =>
        allEqual([a, b]) &&
        a.text.toString().includes('offline-a.') &&
        a.text.toString().includes('online-b.'),
      'both hold both edits after reconnect',
    );
    expect(b.text.toString()).toContain('base.');
  });
});
