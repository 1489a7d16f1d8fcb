import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/protocol';
import { encodeQueryAwareness } from '../../shared/wire';
import { waitUntil } from '../support/wait';
import { tryUpgrade, whenProviderClosed } from './auth-support';
import { cleanup, connectClient, startTestServer, type TestClient, whenSynced } from './support/harness';
import { openRawSocket, recordingLogger, whenClosed } from './support/raw-socket';

const dirs: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function logged(logger: ReturnType<typeof recordingLogger>, msg: string): boolean {
  return logger.entries.some((e) => e.msg === msg);
}

/** A normal client still gets served: two clients on a fresh room exchange an edit. */
async function stillServes(wsUrl: string, room: string): Promise<void> {
  const a = connectClient(wsUrl, room);
  const b = connectClient(wsUrl, room);
  await Promise.all([whenSynced(a), whenSynced(b)]);
  a.text.insert(0, 'still here');
  await waitUntil(() => b.text.toString() === 'still here', 'a normal client is served');
}

async function storedText(store: { load(room: string): Promise<{ updates: Uint8Array[] }> }, room: string) {
  const doc = new Y.Doc();
  for (const update of (await store.load(room)).updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

describe('connections per client address', () => {
  it('refuses the connection past the limit with 429 at the upgrade, and accepts again once one closes', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({ maxConnectionsPerAddress: 2 }, { logger });
    const a = connectClient(server.wsUrl, 'per-addr');
    const b = connectClient(server.wsUrl, 'per-addr');
    await Promise.all([whenSynced(a), whenSynced(b)]);
    const third = await tryUpgrade(`${server.wsUrl}/per-addr`);
    expect(third).toMatchObject({
      kind: 'refused',
      status: 429,
      body: 'too many connections from this address',
    });
    expect(logged(logger, 'upgrade refused: too many connections from this address')).toBe(true);
    expect(server.core.connectionCount).toBe(2);

    a.destroy();
    await waitUntil(() => server.core.connectionCount === 1, 'the first client is gone');
    // The slot is given back when the TCP socket closes; poll until an upgrade gets through.
    let outcome = await tryUpgrade(`${server.wsUrl}/per-addr`);
    const deadline = Date.now() + 5_000;
    while (outcome.kind === 'refused' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      outcome = await tryUpgrade(`${server.wsUrl}/per-addr`);
    }
    expect(outcome.kind).toBe('open');
    if (outcome.kind === 'open') outcome.ws.close();
  });
});

describe('rooms loaded at once', () => {
  it('[S4.2] unloads the least recently used idle room to make space, and refuses with 4503 when none is idle', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({ maxRooms: 2, unloadDelayMs: 60_000 }, { logger });
    const older = connectClient(server.wsUrl, 'room-older');
    await whenSynced(older);
    const newer = connectClient(server.wsUrl, 'room-newer');
    await whenSynced(newer);
    // A third room is refused while the other two have clients (4503: the provider would retry later).
    const busy = connectClient(server.wsUrl, 'room-busy');
    const refused = await whenProviderClosed(busy.provider);
    expect(refused.code).toBe(CloseCode.overloaded);
    busy.provider.disconnect();
    expect(logged(logger, 'room limit reached and no room is idle: connection refused')).toBe(true);
    expect(server.core.rooms.get('room-busy')).toBeUndefined();

    older.text.insert(0, 'older content');
    newer.text.insert(0, 'newer content');
    const olderPeer = connectClient(server.wsUrl, 'room-older');
    await whenSynced(olderPeer);
    await waitUntil(() => olderPeer.text.toString() === 'older content', 'older content relayed (so stored)');
    older.destroy();
    olderPeer.destroy();
    await waitUntil(() => server.core.rooms.get('room-older')?.connections.size === 0, 'room-older is idle');
    newer.destroy();
    await waitUntil(() => server.core.rooms.get('room-newer')?.connections.size === 0, 'room-newer is idle');

    // Both idle, waiting for their unload delay: the least recently used one makes space.
    const third = connectClient(server.wsUrl, 'room-third');
    await whenSynced(third);
    await waitUntil(() => server.core.rooms.get('room-older') === undefined, 'room-older is unloaded');
    expect(server.core.rooms.get('room-newer')).toBeDefined();
    expect(logged(logger, 'room limit reached: unloading an idle room')).toBe(true);
    expect(await storedText(server.store, 'room-older')).toBe('older content');

    // The evicted room comes back (evicting room-newer, now idle) with its content.
    const back = connectClient(server.wsUrl, 'room-older');
    await whenSynced(back);
    await waitUntil(() => back.text.toString() === 'older content', 'the evicted room reloads intact');
    await waitUntil(() => server.core.rooms.get('room-newer') === undefined, 'room-newer is unloaded');
  });
});

describe('message size', () => {
  it('closes a connection that sends a frame above max-message-bytes with 1009 and logs it', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({ maxMessageBytes: 1024 }, { logger });
    const { ws } = await openRawSocket(server.wsUrl, 'big-frame');
    const closed = whenClosed(ws);
    ws.send(new Uint8Array(4096));
    expect((await closed).code).toBe(CloseCode.messageTooBig);
    await waitUntil(
      () => logger.entries.some((e) => e.msg.startsWith('message too big, closing with 1009')),
      'the refusal is logged',
    );
    await stillServes(server.wsUrl, 'big-frame');
  });
});

describe('update rate per connection', () => {
  it('[S6.2] a connection above its rate is slowed down (its socket is not read), never closed', async () => {
    const logger = recordingLogger();
    const server = await startTestServer({ maxMessagesPerSecond: 50, messageBurst: 10 }, { logger });
    const present = connectClient(server.wsUrl, 'flood');
    present.provider.awareness.setLocalState({ name: 'present' });
    await whenSynced(present);
    const { ws, frames } = await openRawSocket(server.wsUrl, 'flood');
    const awarenessReplies = () => frames.filter((f) => f[0] === 1).length;
    await waitUntil(() => awarenessReplies() >= 1, 'the joiner got the presence snapshot');
    const before = awarenessReplies();
    for (let i = 0; i < 40; i++) ws.send(encodeQueryAwareness());
    await waitUntil(() => awarenessReplies() >= before + 40, 'every query answered', 10_000);
    expect(ws.readyState).toBe(ws.OPEN);
    // 10 at once, then 50 a second: the rest waited for the bucket with the socket unread.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^trellis_throttled_connections_total [1-9]/m);
    expect(logged(logger, 'over the message rate: reading paused')).toBe(true);
  });

  it('a client typing at a normal pace is never limited with the defaults', async () => {
    const server = await startTestServer();
    const a = connectClient(server.wsUrl, 'typing');
    const b = connectClient(server.wsUrl, 'typing');
    await Promise.all([whenSynced(a), whenSynced(b)]);
    // 300 keystrokes in bursts of 30 per 50 ms: 600 per second, above any human.
    for (let i = 0; i < 10; i++) {
      for (let k = 0; k < 30; k++) a.text.insert(a.text.length, 'k');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitUntil(() => b.text.length === 300, 'every keystroke arrived');
    expect(a.provider.wsconnected).toBe(true);
  });
});

describe('document size cap', () => {
  it('refuses growth past the cap with 4413, keeps what is stored intact, and serves the room on', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trellis-limits-'));
    dirs.push(dataDir);
    const logger = recordingLogger();
    const server = await startTestServer({ maxDocumentBytes: 4096, dataDir }, { logger });
    const writer = connectClient(server.wsUrl, 'capped');
    const reader = connectClient(server.wsUrl, 'capped');
    await Promise.all([whenSynced(writer), whenSynced(reader)]);
    writer.text.insert(0, 'x'.repeat(1000));
    await waitUntil(() => reader.text.length === 1000, 'growth below the cap is accepted');

    const closed = whenProviderClosed(writer.provider);
    writer.text.insert(1000, 'y'.repeat(5000));
    expect(await closed).toEqual({
      code: CloseCode.documentTooLarge,
      reason: 'document is at its size limit',
    });
    expect(logged(logger, 'document size cap reached: update refused')).toBe(true);
    expect(writer.provider.shouldConnect).toBe(false); // 44xx: the stock provider stops retrying

    // Others keep working: small edits fit, deletions are always accepted.
    reader.text.insert(0, 'ok;');
    reader.text.delete(3, 500);
    const late: TestClient = connectClient(server.wsUrl, 'capped');
    await whenSynced(late);
    await waitUntil(() => late.text.toString() === `ok;${'x'.repeat(500)}`, 'the room serves on');
    expect(late.text.toString()).not.toContain('y');

    await server.close();
    const restarted = await startTestServer({ maxDocumentBytes: 4096, dataDir });
    expect(await storedText(restarted.store, 'capped')).toBe(`ok;${'x'.repeat(500)}`);
  });
});
