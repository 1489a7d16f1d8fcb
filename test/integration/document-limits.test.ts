/**
 * Limits that hold without stranding anyone: a fast writer is slowed, not closed; content withheld
 * from the document (pending structs) counts and is bounded; a document near the size cap can still
 * be opened; repeated sync step 1 messages cost one reply per state vector; and an address may open
 * only so many connections per second.
 */
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CloseCode, MessageType } from '../../shared/protocol';
import { MemoryDocStore } from '../../sync-server/core/memory-doc-store';
import { waitForAsync, waitUntil } from '../support/wait';
import { tryUpgrade } from './auth-support';
import { cleanup, connectClient, startTestServer, whenSynced } from './support/harness';
import { openRawSocket, whenClosed } from './support/raw-socket';

afterEach(cleanup);

function syncFrame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

describe('document limits', () => {
  it('[S6.2] a stock provider sending 2,000 updates in a tight loop is throttled, and every one arrives', async () => {
    const server = await startTestServer();
    const writer = connectClient(server.wsUrl, 'board.import');
    const observer = connectClient(server.wsUrl, 'board.import');
    await Promise.all([whenSynced(writer), whenSynced(observer)]);
    const closes: number[] = [];
    writer.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
    for (let i = 0; i < 2_000; i++) writer.text.insert(writer.text.length, `${i};`);
    await waitUntil(
      () => observer.text.toString().split(';').length === 2_001,
      'the observer has all 2,000 updates',
      45_000,
    );
    expect(closes).toEqual([]);
    expect(observer.text.toString()).toBe(writer.text.toString());
  }, 60_000);

  it('[S6.3] content withheld behind missing updates is bounded: past 1 MiB its connection is closed and it is dropped', async () => {
    const server = await startTestServer();
    const watcher = connectClient(server.wsUrl, 'board.pending');
    await whenSynced(watcher);
    // A base the server never gets, and 2 MiB that depends on it, sent in 256 KiB pieces.
    const source = new Y.Doc();
    source.getText('t').insert(0, 'base');
    const base = Y.encodeStateVector(source);
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < 8; i++) {
      const before = Y.encodeStateVector(source);
      source.getText('t').insert(source.getText('t').length, 'p'.repeat(256 * 1024));
      pieces.push(Y.encodeStateAsUpdate(source, before));
    }
    expect(base.length).toBeGreaterThan(1);
    const attacker = await openRawSocket(server.wsUrl, 'board.pending');
    const closed = whenClosed(attacker.ws);
    for (const piece of pieces) attacker.ws.send(syncFrame((e) => syncProtocol.writeUpdate(e, piece)));
    const { code, reason } = await closed;
    expect(code).toBe(CloseCode.documentTooLarge);
    expect(reason).toMatch(/missing/);
    const room = server.core.rooms.get('board.pending')!;
    expect(room.doc.store.pendingStructs).toBeNull();
    // The room serves on, and nothing of the withheld content was stored.
    watcher.text.insert(0, 'fine');
    const late = connectClient(server.wsUrl, 'board.pending');
    await whenSynced(late);
    await waitUntil(() => late.text.toString() === 'fine', 'the room serves on');
    await room.writes.whenDrained();
    const stored = new Y.Doc();
    for (const u of (await server.store.load('board.pending')).updates) Y.applyUpdate(stored, u);
    expect(stored.getText('t').toString()).toBe('fine');
  });

  it('[S6.3] withheld content counts towards the size cap', async () => {
    const server = await startTestServer({ maxDocumentBytes: 1536 * 1024 });
    const writer = connectClient(server.wsUrl, 'board.capped');
    await whenSynced(writer);
    writer.text.insert(0, 'x'.repeat(1024 * 1024));
    await waitUntil(
      () => (server.core.rooms.get('board.capped')?.doc.getText('t').length ?? 0) > 0,
      'applied',
    );
    /** 300 KiB that depends on a base the server never gets: it stays pending. */
    const withheld = () => {
      const source = new Y.Doc();
      source.getText('t').insert(0, 'base');
      const before = Y.encodeStateVector(source);
      source.getText('t').insert(4, 'w'.repeat(300 * 1024));
      return Y.encodeStateAsUpdate(source, before);
    };
    const attacker = await openRawSocket(server.wsUrl, 'board.capped');
    const closed = whenClosed(attacker.ws);
    attacker.ws.send(syncFrame((e) => syncProtocol.writeUpdate(e, withheld())));
    // 1 MiB stored + 300 KiB pending fits the 1.5 MiB cap; another 300 KiB pending does not.
    attacker.ws.send(syncFrame((e) => syncProtocol.writeUpdate(e, withheld())));
    expect((await closed).code).toBe(CloseCode.documentTooLarge);
  });

  it('[S8.3] a fresh client opens a 31 MiB document', async () => {
    const store = new MemoryDocStore();
    const big = new Y.Doc();
    const text = big.getText('t');
    for (let i = 0; i < 31; i++)
      text.insert(text.length, String.fromCharCode(97 + (i % 26)).repeat(1024 * 1024));
    await store.append('board.large', Y.encodeStateAsUpdate(big));
    const server = await startTestServer({}, { store });
    const reader = connectClient(server.wsUrl, 'board.large');
    await whenSynced(reader, 40_000);
    expect(reader.text.length).toBe(31 * 1024 * 1024);
    expect(reader.provider.wsconnected).toBe(true);
  }, 60_000);

  it('[S6.4] repeated sync step 1 messages cost one reply per state vector and document version', async () => {
    const store = new MemoryDocStore();
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'z'.repeat(2 * 1024 * 1024));
    await store.append('board.amplify', Y.encodeStateAsUpdate(doc));
    const server = await startTestServer({}, { store });
    const room = () => server.core.rooms.get('board.amplify');
    // A six-byte step 1 naming a client the server does not know: a full diff each time, uncached.
    const step1 = syncFrame((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint8Array(e, new Uint8Array([1, 0x85, 0x1a, 0]));
    });
    const sockets = await Promise.all(
      Array.from({ length: 10 }, () => openRawSocket(server.wsUrl, 'board.amplify')),
    );
    for (const { ws } of sockets) for (let i = 0; i < 20; i++) ws.send(step1);
    await waitUntil(
      () => sockets.every(({ frames }) => frames.filter((f) => f[0] === 0 && f[1] === 1).length >= 1),
      'every connection got a reply',
      20_000,
    );
    expect(room()!.syncRepliesComputed).toBeLessThanOrEqual(2);
  }, 40_000);

  it('[S6.5] an address opening connections faster than its rate is refused with 429, then let in again', async () => {
    const server = await startTestServer({ connectRatePerAddress: 5, connectBurstPerAddress: 5 });
    const outcomes = [];
    for (let i = 0; i < 8; i++) outcomes.push(await tryUpgrade(`${server.wsUrl}/board.rate`));
    const statuses = outcomes.map((o) => (o.kind === 'open' ? 101 : o.status));
    for (const o of outcomes) if (o.kind === 'open') o.ws.close();
    expect(statuses.slice(0, 5)).toEqual([101, 101, 101, 101, 101]);
    expect(statuses.slice(5)).toContain(429);
    // The bucket refills: a later attempt is let in.
    await waitForAsync(
      async () => {
        const again = await tryUpgrade(`${server.wsUrl}/board.rate`);
        if (again.kind === 'open') again.ws.close();
        return again.kind === 'open';
      },
      'an upgrade is let in again',
      { timeoutMs: 3_000, intervalMs: 100 },
    );
  });
});
