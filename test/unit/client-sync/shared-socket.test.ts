/**
 * The registry with `sharedSocket`: every document of the page over one websocket to Trellis's
 * `/_mux` (sync-server/SPEC.md S14), and one plain socket per document against a server without it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDocumentRegistry, type DocumentRegistry } from '../../../client/sync/open-document';
import { TOKEN_PARAM } from '../../../shared/protocol';
import { Role, secretKey, signToken } from '../../../sync-server/auth/tokens';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import { type RunningServer, startServer } from '../../../sync-server/server';
import { startReferenceServer, waitFor } from './support/reference-server';

const SECRET = 'unit-secret-that-is-long-enough-for-hs256!';
const stops: Array<() => unknown> = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()?.();
});

/** `ws`'s WebSocket, counting the sockets the registry opens and the URLs it opens them to. */
function countingWebSocket(): { Impl: typeof globalThis.WebSocket; urls: string[]; sockets: WebSocket[] } {
  const urls: string[] = [];
  const sockets: WebSocket[] = [];
  class Counting extends WebSocket {
    constructor(url: string) {
      super(url);
      urls.push(url);
      sockets.push(this);
    }
  }
  return { Impl: Counting as unknown as typeof globalThis.WebSocket, urls, sockets };
}

async function trellis(): Promise<RunningServer> {
  const server = await startServer(
    { host: '127.0.0.1', port: 0, staticDir: null, logLevel: 'silent' },
    { store: new MemoryDocStore() },
  );
  stops.push(() => server.close());
  return server;
}

function registry(serverUrl: string, Impl: typeof globalThis.WebSocket): DocumentRegistry {
  const docs = createDocumentRegistry({
    serverUrl,
    WebSocketPolyfill: Impl,
    disableBc: true,
    indexedDb: false,
    sharedSocket: true,
  });
  stops.push(() => docs.destroyAll());
  return docs;
}

describe('documents on one shared socket', () => {
  it('[S14.1] a board and 20 descriptions sync over one socket, each saved by its own durable acks', async () => {
    const server = await trellis();
    const { Impl, urls } = countingWebSocket();
    const docs = registry(server.wsUrl, Impl);
    const rooms = ['board.one', ...Array.from({ length: 20 }, (_, i) => `board.one.card.c${i}`)];
    const handles = rooms.map((room) => docs.open(room));
    await waitFor(() => handles.every((h) => h.getStatus().serverSynced), 'all synced');
    handles.forEach((handle, i) => {
      handle.doc.getText('t').insert(0, `text ${i}`);
    });
    await waitFor(() => handles.every((h) => h.getStatus().saved), 'all saved');
    expect(urls).toEqual([`${server.wsUrl}/_mux`]);
    expect(server.core.connectionCount).toBe(21);
    for (const [i, room] of rooms.entries()) {
      expect(server.core.rooms.get(room)?.doc.getText('t').toString()).toBe(`text ${i}`);
    }
    const reader = registry(server.wsUrl, countingWebSocket().Impl).open('board.one.card.c7');
    // rooms[8] is card c7.
    await waitFor(() => reader.doc.getText('t').toString() === 'text 8', 'a second page reads it');
  });

  it('[S14.2] a released document leaves its room; the socket stays for the others', async () => {
    const server = await trellis();
    const { Impl, urls } = countingWebSocket();
    const docs = registry(server.wsUrl, Impl);
    const board = docs.open('board.two');
    const card = docs.open('board.two.card.x');
    await waitFor(() => board.getStatus().serverSynced && card.getStatus().serverSynced, 'synced');
    card.release();
    await waitFor(() => server.core.connectionCount === 1, 'the card left');
    board.doc.getText('t').insert(0, 'still live');
    await waitFor(() => board.getStatus().saved, 'the board still saves');
    expect(urls).toHaveLength(1);
  });

  it('[S14.6] after the socket drops every document comes back on one new socket', async () => {
    const server = await trellis();
    const { Impl, urls, sockets } = countingWebSocket();
    const docs = registry(server.wsUrl, Impl);
    const handles = ['board.three', 'board.three.card.a', 'board.three.card.b'].map((r) => docs.open(r));
    await waitFor(() => handles.every((h) => h.getStatus().serverSynced), 'synced');
    // The network drops the socket: no close handshake.
    sockets[0]!.terminate();
    await waitFor(() => handles.every((h) => !h.getStatus().serverSynced), 'every document noticed');
    await waitFor(() => handles.every((h) => h.getStatus().serverSynced), 'resynced', 5_000);
    handles[1]!.doc.getText('t').insert(0, 'after');
    await waitFor(() => handles[1]!.getStatus().saved, 'saved after');
    expect(urls).toEqual([`${server.wsUrl}/_mux`, `${server.wsUrl}/_mux`]);
  });

  it('[S14.4] rooms the server closes with a retryable code are joined again on the same socket', async () => {
    const server = await trellis();
    const { Impl, urls } = countingWebSocket();
    const docs = registry(server.wsUrl, Impl);
    const handles = ['board.four', 'board.four.card.a'].map((r) => docs.open(r));
    await waitFor(() => handles.every((h) => h.getStatus().serverSynced), 'synced');
    for (const connection of [...(server.core.rooms.get('board.four.card.a')?.connections ?? [])]) {
      connection.close(1012, 'restart');
    }
    await waitFor(() => !handles[1]!.getStatus().serverSynced, 'the card noticed');
    expect(handles[0]!.getStatus().serverSynced).toBe(true);
    await waitFor(() => handles[1]!.getStatus().serverSynced, 'the card rejoined', 5_000);
    expect(urls).toHaveLength(1);
  });

  it('[S14.3] a room refused on the shared socket shows as denied while the other documents stay online', async () => {
    const server = await startServer(
      { host: '127.0.0.1', port: 0, staticDir: null, logLevel: 'silent', authSecret: SECRET },
      { store: new MemoryDocStore() },
    );
    stops.push(() => server.close());
    const allowed = await signToken(secretKey(SECRET), {
      boards: ['mine'],
      role: Role.write,
      expiresInSeconds: 60,
    });
    const { Impl, urls } = countingWebSocket();
    const docs = createDocumentRegistry({
      serverUrl: server.wsUrl,
      WebSocketPolyfill: Impl,
      disableBc: true,
      indexedDb: false,
      sharedSocket: true,
      // One token for the page; it covers one of the two boards.
      paramsFor: () => ({ [TOKEN_PARAM]: allowed }),
    });
    stops.push(() => docs.destroyAll());
    const mine = docs.open('board.mine');
    const theirs = docs.open('board.theirs');
    await waitFor(() => theirs.getStatus().connection === 'denied', 'the other board is denied');
    await waitFor(() => mine.getStatus().serverSynced, 'the covered board syncs');
    mine.doc.getText('t').insert(0, 'mine');
    await waitFor(() => mine.getStatus().saved, 'and saves');
    expect(mine.getStatus().connection).toBe('online');
    expect(urls).toHaveLength(1);
  });

  it('[S14.7] with a server that has no /_mux each document gets its own plain socket', async () => {
    const reference = await startReferenceServer();
    stops.push(() => reference.close());
    const { Impl } = countingWebSocket();
    const docs = registry(reference.url, Impl);
    const a = docs.open('fallback-a');
    const b = docs.open('fallback-b');
    await waitFor(() => a.getStatus().serverSynced && b.getStatus().serverSynced, 'both synced');
    a.doc.getText('t').insert(0, 'a');
    await waitFor(() => reference.serverDoc('fallback-a')?.getText('t').toString() === 'a', 'stored');
    expect(reference.upgrades.map((u) => u.split('?')[0]).sort()).toEqual(['/fallback-a', '/fallback-b']);
    expect(reference.serverDoc('_mux')).toBeUndefined();
  });
});
