import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryDocStore } from '../../sync-server/core/memory-doc-store';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, startTestServer, whenSynced } from './support/harness';
import { openRawSocket } from './support/raw-socket';

afterEach(cleanup);

function step1Frame(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
  return encoding.toUint8Array(e);
}

describe('room lifecycle', () => {
  it('[S1.1][S1.2] concurrent first connections share one load, and nothing is answered before it finishes', async () => {
    const store = new MemoryDocStore();
    const seed = new Y.Doc();
    seed.getText('t').insert(0, 'stored before');
    await store.append('room-load', Y.encodeStateAsUpdate(seed));
    let openGate = () => {};
    store.loadGate = new Promise((resolve) => {
      openGate = resolve;
    });
    const server = await startTestServer({}, { store });
    const sockets = await Promise.all(
      Array.from({ length: 10 }, () => openRawSocket(server.wsUrl, 'room-load')),
    );
    for (const { ws } of sockets) ws.send(step1Frame());
    const clients = Array.from({ length: 5 }, () => connectClient(server.wsUrl, 'room-load'));
    // While the load is held open, no socket may receive anything (the reference server answers
    // here with an empty document: y-websocket #81).
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sockets.map((s) => s.frames.length)).toEqual(Array(10).fill(0));
    expect(clients.some((c) => c.provider.synced)).toBe(false);
    openGate();
    await Promise.all(clients.map((c) => whenSynced(c)));
    expect(clients.map((c) => c.text.toString())).toEqual(Array(5).fill('stored before'));
    await waitUntil(() => sockets.every((s) => s.frames.length >= 2), 'raw sockets got step 1 and step 2');
    expect(store.calls.load).toBe(1);
  });

  it('[S4.1] an idle document is flushed, compacted and unloaded; the next connection loads it again', async () => {
    const store = new MemoryDocStore();
    const server = await startTestServer({ unloadDelayMs: 50 }, { store });
    const a = connectClient(server.wsUrl, 'room-idle');
    await whenSynced(a);
    for (let i = 0; i < 20; i++) {
      a.text.insert(a.text.length, `${i};`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    a.provider.disconnect();
    await waitUntil(() => server.core.rooms.size === 0, 'the room unloads');
    expect(store.calls.load).toBe(1);
    expect(store.calls.replace).toBeGreaterThanOrEqual(1);
    expect((await store.load('room-idle')).updates).toHaveLength(1);
    const b = connectClient(server.wsUrl, 'room-idle');
    await whenSynced(b);
    expect(b.text.toString().split(';').filter(Boolean)).toHaveLength(20);
    expect(store.calls.load).toBe(3); // first join, the check above, the join after the unload
  });

  it('[S1.1] a reloaded room answers fresh and returning clients from the stored state, then takes edits', async () => {
    const store = new MemoryDocStore();
    const server = await startTestServer({ unloadDelayMs: 20 }, { store });
    const writer = connectClient(server.wsUrl, 'room-reload');
    await whenSynced(writer);
    writer.text.insert(0, 'stored;');
    // A returning client: it holds the stored text plus an edit the server never saw.
    const returning = connectClient(server.wsUrl, 'room-reload');
    await waitUntil(() => returning.text.toString() === 'stored;', 'the second client has the text');
    returning.provider.disconnect();
    returning.text.insert(returning.text.length, 'offline;');
    writer.provider.disconnect();
    await waitUntil(() => server.core.rooms.size === 0, 'the room unloads');

    const fresh = connectClient(server.wsUrl, 'room-reload');
    await whenSynced(fresh);
    expect(fresh.text.toString()).toBe('stored;');
    returning.provider.connect();
    await waitUntil(
      () => fresh.text.toString() === 'stored;offline;',
      'the returning client’s edit reaches the fresh one',
    );
    fresh.text.insert(0, 'new;');
    await waitUntil(
      () => returning.text.toString() === 'new;stored;offline;',
      'a new edit reaches the returning client',
    );
    await server.core.rooms.flushAll();
    const stored = new Y.Doc();
    for (const update of (await store.load('room-reload')).updates) Y.applyUpdate(stored, update);
    expect(stored.getText('t').toString()).toBe('new;stored;offline;');
  });

  it('[S3.1] the update log is compacted once it passes the threshold, without losing anything', async () => {
    const store = new MemoryDocStore();
    const server = await startTestServer({ compactThreshold: 10 }, { store });
    const a = connectClient(server.wsUrl, 'room-compact');
    const observer = connectClient(server.wsUrl, 'room-compact');
    await Promise.all([whenSynced(a), whenSynced(observer)]);
    for (let i = 0; i < 60; i++) {
      a.text.insert(a.text.length, `${i};`);
      // Each edit in its own turn, so each is its own write.
      await waitUntil(() => observer.text.toString().endsWith(`${i};`), `edit ${i} arrives`);
    }
    await server.core.rooms.flushAll();
    const { updates } = await store.load('room-compact');
    expect(store.calls.replace).toBeGreaterThanOrEqual(5);
    expect(updates.length).toBeLessThan(10);
    const restored = new Y.Doc();
    for (const update of updates) Y.applyUpdate(restored, update);
    expect(restored.getText('t').toString()).toBe(a.text.toString());
  });

  it('[S3.1] a log loaded past the threshold is compacted with deleted content garbage-collected', async () => {
    const store = new MemoryDocStore();
    // A long log left by a server that stopped before compacting: a large text typed, then deleted.
    const writer = new Y.Doc();
    writer.on('update', (update: Uint8Array) => void store.append('room-gc', update));
    const text = writer.getText('t');
    for (let i = 0; i < 12; i++) text.insert(text.length, 'x'.repeat(1_000));
    text.delete(0, text.length);
    text.insert(0, 'kept');
    const merged = Y.mergeUpdates((await store.load('room-gc')).updates);
    const server = await startTestServer({ compactThreshold: 10 }, { store });
    const client = connectClient(server.wsUrl, 'room-gc');
    await whenSynced(client);
    await waitUntil(() => store.calls.replace >= 1, 'compacted at load');
    await server.core.rooms.flushAll();
    const { updates } = await store.load('room-gc');
    expect(updates).toHaveLength(1);
    // The deleted 12,000 characters are gone from the stored state (a merge would keep them).
    expect(merged.byteLength).toBeGreaterThan(12_000);
    expect(updates[0]!.byteLength).toBeLessThan(1_000);
    expect(client.text.toString()).toBe('kept');
  });

  it('[S2.2] a store failure keeps the update in memory, broadcasts nothing until it is stored, then delivers it', async () => {
    const store = new MemoryDocStore();
    const server = await startTestServer({}, { store });
    const a = connectClient(server.wsUrl, 'room-fail');
    const b = connectClient(server.wsUrl, 'room-fail');
    await Promise.all([whenSynced(a), whenSynced(b)]);
    const appendsBefore = store.calls.append;
    store.failNext(3);
    a.text.insert(0, 'precious');
    await waitUntil(() => store.calls.append >= appendsBefore + 2, 'two failed write attempts');
    expect(b.text.toString()).toBe('');
    await waitUntil(() => b.text.toString() === 'precious', 'b receives the update once it is stored');
    const stored = new Y.Doc();
    for (const update of (await store.load('room-fail')).updates) Y.applyUpdate(stored, update);
    expect(stored.getText('t').toString()).toBe('precious');
  });

  it('[S1.3] a failed load closes the waiting connections with a retryable code and a later connection retries', async () => {
    const store = new MemoryDocStore();
    store.failNext(1);
    const server = await startTestServer({}, { store });
    const { ws } = await openRawSocket(server.wsUrl, 'room-load-fail');
    const code = await new Promise<number>((resolve) => ws.once('close', (c: number) => resolve(c)));
    expect(code).toBe(4500);
    const a = connectClient(server.wsUrl, 'room-load-fail');
    await whenSynced(a);
    expect(store.calls.load).toBe(2);
  });
});
