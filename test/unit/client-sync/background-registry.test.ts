import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { manualNetwork } from '../../../client/sync/network';
import {
  createDocumentRegistry,
  type DocumentRegistry,
  type SyncConfig,
} from '../../../client/sync/open-document';
import { indexedDbPendingStore } from '../../../client/sync/pending-store';
import type { Timers } from '../../../client/sync/reconnect';
import { UnsavedDocuments } from '../../../client/sync/unsaved';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import { type RunningServer, startServer } from '../../../sync-server/server';
import { waitFor } from './support/reference-server';

// Documents closed (or left behind by a reload) with changes the server has not stored, against Trellis's
// own server (its durable acks and its stored-before-sent sync replies).
let server: RunningServer;
let store: MemoryDocStore;
const registries: DocumentRegistry[] = [];
let counter = 0;
const fresh = (what: string) => `board.bg${process.pid}x${++counter}.${what}`;

beforeAll(async () => {
  store = new MemoryDocStore();
  server = await startServer({ host: '127.0.0.1', port: 0, staticDir: null, logLevel: 'silent' }, { store });
});
afterEach(() => {
  for (const registry of registries.splice(0)) registry.destroyAll();
});
afterAll(async () => {
  await server.close();
});

/** Sockets in use at once, counted in the client: from construction until closed or asked to close. */
const sockets = { open: 0, most: 0 };
class CountingWebSocket extends WebSocket {
  private counted = true;
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    sockets.open += 1;
    sockets.most = Math.max(sockets.most, sockets.open);
    this.addEventListener('close', () => this.uncount());
  }
  override close(...args: Parameters<WebSocket['close']>): void {
    // A socket being closed carries nothing more; its close handshake may outlast the next one's opening.
    this.uncount();
    super.close(...args);
  }
  private uncount(): void {
    if (!this.counted) return;
    this.counted = false;
    sockets.open -= 1;
  }
}

function registry(overrides: Partial<SyncConfig> = {}): DocumentRegistry {
  const created = createDocumentRegistry({
    serverUrl: server.wsUrl,
    WebSocketPolyfill: CountingWebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    indexedDb: true,
    backoff: { baseDelayMs: 20, maxDelayMs: 100 },
    ...overrides,
  });
  registries.push(created);
  return created;
}

/** What the server's store holds for the room, as text `t`. */
async function storedText(room: string): Promise<string> {
  const doc = new Y.Doc();
  for (const update of (await store.load(room)).updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

async function whenStored(room: string, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await storedText(room)) !== text) {
    if (Date.now() > deadline) throw new Error(`the server never stored ${JSON.stringify(text)} in ${room}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('documents with unsaved changes that nothing has open', () => {
  it('[unsaved] a closed document is held until the server has stored its changes, then released', async () => {
    const network = manualNetwork(false);
    const docs = registry({ network });
    const room = fresh('card.closed');
    const handle = docs.open(room);
    await handle.whenLocalLoaded();
    handle.doc.getText('t').insert(0, 'typed offline');
    handle.release();
    expect(docs.openRooms()).toEqual([room]);
    expect(docs.backgroundRooms().active).toEqual([room]);
    expect(docs.unsaved.get(room)?.changes).toBe(1);

    network.set(true);
    await whenStored(room, 'typed offline');
    await waitFor(() => docs.openRooms().length === 0, 'released once stored');
    expect(docs.unsaved.has(room)).toBe(false);
  });

  it('[unsaved] after a reload, every recorded document syncs without being opened, two at a time', async () => {
    const pendingDb = `trellis-pending-${fresh('db')}`;
    const rooms = Array.from({ length: 8 }, (_, i) => fresh(`card.c${i}`));
    const before = registry({
      network: manualNetwork(false),
      unsaved: new UnsavedDocuments(indexedDbPendingStore(pendingDb)),
    });
    for (const [i, room] of rooms.entries()) {
      const handle = before.open(room);
      await handle.whenLocalLoaded();
      handle.doc.getText('t').insert(0, `offline ${i}`);
      handle.release();
    }
    await before.unsaved.whenWritten();
    // The page goes away with everything still unsaved.
    before.destroyAll();

    sockets.most = 0;
    const after = registry({
      network: manualNetwork(true),
      unsaved: new UnsavedDocuments(indexedDbPendingStore(pendingDb)),
      backgroundSlots: 2,
    });
    await after.unsaved.whenLoaded();
    expect(after.unsaved.rooms().sort()).toEqual([...rooms].sort());
    for (const [i, room] of rooms.entries()) await whenStored(room, `offline ${i}`);
    await waitFor(() => after.unsaved.rooms().length === 0, 'nothing left unsaved');
    await waitFor(() => after.openRooms().length === 0, 'every document released');
    expect(sockets.most).toBeLessThanOrEqual(2);
    expect(sockets.most).toBeGreaterThan(0);
  });

  it('[unsaved] once stored in the background, the converged document is handed over before it closes', async () => {
    const network = manualNetwork(false);
    const seen: Array<[string, string]> = [];
    const docs = registry({
      network,
      onSavedInBackground: (room, doc) => seen.push([room, doc.getText('t').toString()]),
    });
    const room = fresh('card.converged');
    // Someone else wrote into the description meanwhile.
    const other = registry();
    const theirs = other.open(room);
    theirs.doc.getText('t').insert(0, 'theirs ');
    await waitFor(() => theirs.getStatus().saved, 'their edit stored');

    const mine = docs.open(room);
    await mine.whenLocalLoaded();
    mine.doc.getText('t').insert(0, 'mine');
    mine.release();
    expect(seen).toEqual([]);
    network.set(true);
    await waitFor(() => seen.length === 1, 'handed over');
    expect(seen[0]?.[0]).toBe(room);
    expect(seen[0]?.[1]).toContain('mine');
    expect(seen[0]?.[1]).toContain('theirs');
  });

  it('[retry] "Retry now" reconnects a document whose retry is scheduled, without waiting for it', async () => {
    const scheduled: Array<() => void> = [];
    const timers: Timers = {
      setTimeout: (callback) => scheduled.push(callback),
      clearTimeout: () => {},
      now: () => 1_000,
    };
    const down = await startServer(
      { host: '127.0.0.1', port: 0, staticDir: null, logLevel: 'silent' },
      { store: new MemoryDocStore() },
    );
    const port = down.port;
    const docs = registry({ serverUrl: down.wsUrl, timers, indexedDb: false, random: () => 0 });
    const handle = docs.open(fresh('retry'));
    await waitFor(() => handle.getStatus().connection === 'online', 'online');
    await down.close();
    await waitFor(() => handle.getStatus().connection === 'unreachable', 'unreachable');
    // random() = 0: half the first window (20 ms) from now.
    expect(handle.getStatus().retryAt).toBe(1_010);
    const back = await startServer(
      { host: '127.0.0.1', port, staticDir: null, logLevel: 'silent' },
      { store: new MemoryDocStore() },
    );
    try {
      docs.retryNow();
      expect(handle.getStatus().retryAt).toBeNull();
      await waitFor(() => handle.getStatus().connection === 'online', 'online again');
    } finally {
      docs.destroyAll();
      await back.close();
    }
  });
});
