import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDocumentRegistry, type DocumentRegistry } from '../../../client/sync/open-document';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import { type RunningServer, startServer } from '../../../sync-server/server';
import { waitFor } from './support/reference-server';

// The same client against Trellis's own server: its durable acks must drive "saved".
let server: RunningServer;
let docs: DocumentRegistry;

beforeAll(async () => {
  server = await startServer(
    { host: '127.0.0.1', port: 0, staticDir: null, logLevel: 'silent' },
    { store: new MemoryDocStore() },
  );
  docs = createDocumentRegistry({
    serverUrl: server.wsUrl,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    indexedDb: false,
  });
});
afterAll(async () => {
  docs.destroyAll();
  await server.close();
});

describe('openDocument with the Trellis sync server', () => {
  it('[saved] becomes saved once the server has stored the edit, and a second replica sees it', async () => {
    const writer = docs.open('board.client-sync-real');
    await waitFor(() => writer.getStatus().serverSynced, 'synced');
    writer.doc.getText('t').insert(0, 'stored for real');
    expect(writer.getStatus().saved).toBe(false);
    await waitFor(() => writer.getStatus().saved, 'durable ack');
    expect(writer.getStatus()).toMatchObject({ connection: 'online', pending: 0 });

    const readers = createDocumentRegistry({
      serverUrl: server.wsUrl,
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      indexedDb: false,
    });
    try {
      const reader = readers.open('board.client-sync-real');
      await waitFor(() => reader.doc.getText('t').toString() === 'stored for real', 'reader has it');
      // The ack on connect covers everything the reader got, so it is saved without writing.
      await waitFor(() => reader.getStatus().saved, 'reader saved');
    } finally {
      readers.destroyAll();
    }
  });
});

describe('delete-only changes with the Trellis server', () => {
  it('[saved] a deletion (no new clock) is stored once a sync step 2 from the server shows it', async () => {
    const writer = docs.open('board.client-sync-delete');
    await waitFor(() => writer.getStatus().serverSynced, 'synced');
    writer.doc.getMap('cards').set('a', 'card');
    await waitFor(() => writer.getStatus().saved, 'insert saved');
    writer.doc.getMap('cards').delete('a');
    expect(writer.getStatus()).toMatchObject({ saved: false, pending: 1 });
    await waitFor(() => writer.getStatus().saved, 'delete saved');
  });
});

describe('keepalive', () => {
  it('a lone idle client keeps hearing from the server (resync), so the 30 s watchdog never drops it', async () => {
    // y-websocket's resync timer reads the global WebSocket's OPEN constant (browsers have it).
    const global = globalThis as { WebSocket?: unknown };
    global.WebSocket ??= WebSocket;
    const lone = createDocumentRegistry({
      serverUrl: server.wsUrl,
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      indexedDb: false,
      resyncIntervalMs: 50,
    });
    try {
      const handle = lone.open('board.client-sync-lone');
      handle.awareness.setLocalState({ alone: true });
      await waitFor(() => handle.getStatus().serverSynced, 'synced');
      const heard: number[] = [];
      for (let i = 0; i < 3; i++) {
        const before = handle.provider.wsLastMessageReceived;
        await waitFor(
          () => handle.provider.wsLastMessageReceived > before,
          `message ${i + 1} from the server`,
          1_000,
        );
        heard.push(handle.provider.wsLastMessageReceived);
      }
      expect(heard).toHaveLength(3);
      expect(handle.getStatus().connection).toBe('online');
    } finally {
      lone.destroyAll();
    }
  });
});
