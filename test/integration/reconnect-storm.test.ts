import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, startTestServer, whenSynced } from './support/harness';

afterEach(cleanup);

describe('reconnect storm', () => {
  it('hundreds of clients connecting at once after a restart all sync', async () => {
    const first = await startTestServer({ port: 0 });
    const writer = connectClient(first.wsUrl, 'room-storm');
    await whenSynced(writer);
    for (let i = 0; i < 100; i++) writer.text.insert(writer.text.length, `${i};`);
    const expected = writer.text.toString();
    const room = first.core.rooms.get('room-storm')!;
    await waitUntil(() => room.doc.getText('t').toString() === expected, 'the server has every edit');
    writer.destroy();
    await first.close();

    const second = await startTestServer({ dataDir: first.dataDir });
    const clients = Array.from({ length: 300 }, () => connectClient(second.wsUrl, 'room-storm'));
    await Promise.all(clients.map((c) => whenSynced(c, 20_000)));
    await waitUntil(
      () => clients.every((c) => c.text.toString() === expected),
      'all 300 hold the stored text',
    );
    expect(second.core.connectionCount).toBe(300);
  });
});
