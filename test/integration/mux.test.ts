/**
 * The multiplexed endpoint (`/_mux`, S14) with real providers: the client's MuxSocket and
 * MuxRoomProvider against the real server, beside stock y-websocket providers on per-room sockets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MuxRoomProvider } from '../../client/sync/mux-provider';
import { MuxSocket } from '../../client/sync/mux-socket';
import { MUX_PATH, readMuxFrame, writeJoin, writeLeave, writeMessage } from '../../shared/mux-wire';
import { CloseCode, MessageType } from '../../shared/protocol';
import { encodeSyncUpdate } from '../../shared/wire';
import { waitForAsync, waitUntil } from '../support/wait';
import { TEST_SECRET, token } from './auth-support';
import { cli } from './support/cli';
import { cleanup, connectClient, sameState, startTestServer, whenSynced } from './support/harness';
import { openStallableSocket, whenClosed } from './support/raw-socket';
import { spawnServer, stopServer } from './support/server-process';

const disposers: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (disposers.length > 0) await disposers.pop()?.();
  await cleanup();
});

function muxSocket(wsUrl: string, tokenValue: string | null = null): MuxSocket {
  const socket = new MuxSocket({
    serverUrl: wsUrl,
    token: tokenValue,
    WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
    maxBackoffMs: 200,
  });
  disposers.push(() => socket.destroy());
  return socket;
}

function muxRoom(socket: MuxSocket, room: string, doc = new Y.Doc(), durableAck = false): MuxRoomProvider {
  const provider = new MuxRoomProvider(socket, room, doc, { durableAck, rejoinDelayMs: 100 });
  disposers.push(() => provider.destroy());
  return provider;
}

const text = (provider: MuxRoomProvider) => provider.doc.getText('t').toString();

/** A bare socket to `/_mux` that records every frame, for frames no client would send. */
async function rawMux(wsUrl: string): Promise<{ ws: WebSocket; frames: ReturnType<typeof readMuxFrame>[] }> {
  const ws = new WebSocket(`${wsUrl}${MUX_PATH}`);
  const frames: ReturnType<typeof readMuxFrame>[] = [];
  ws.on('message', (data: Buffer) => frames.push(readMuxFrame(new Uint8Array(data))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  disposers.push(() => ws.terminate());
  return { ws, frames };
}

describe('multiplexed connection', () => {
  it('[S14.1] a mux client and a stock provider edit the same room, both ways', async () => {
    const server = await startTestServer();
    const socket = muxSocket(server.wsUrl);
    const mux = muxRoom(socket, 'board.shared');
    const stock = connectClient(server.wsUrl, 'board.shared');
    await Promise.all([waitUntil(() => mux.synced, 'mux synced'), whenSynced(stock)]);
    mux.doc.getText('t').insert(0, 'from mux;');
    await waitUntil(
      () => stock.text.toString().includes('from mux;'),
      'the stock provider sees the mux edit',
    );
    stock.text.insert(stock.text.length, 'from stock;');
    await waitUntil(() => text(mux).includes('from stock;'), 'the mux client sees the stock edit');
    expect(text(mux)).toBe(stock.text.toString());
    // Both are connections of one room of one core.
    expect(server.core.rooms.get('board.shared')?.connections.size).toBe(2);
  });

  it('[S14.1] many rooms share one socket, each with its own document and durable acks', async () => {
    const server = await startTestServer();
    const socket = muxSocket(server.wsUrl);
    const rooms = ['board.m1', 'board.m2', 'board.m3'].map((room) =>
      muxRoom(socket, room, new Y.Doc(), true),
    );
    const acks = rooms.map(() => 0);
    rooms.forEach((provider, i) => {
      provider.on('durable-ack', () => {
        acks[i]! += 1;
      });
    });
    await waitUntil(() => rooms.every((r) => r.synced), 'all rooms synced');
    rooms.forEach((provider, i) => {
      provider.doc.getText('t').insert(0, `room ${i}`);
    });
    for (const [i, room] of ['board.m1', 'board.m2', 'board.m3'].entries()) {
      await waitUntil(() => server.core.rooms.get(room)?.doc.getText('t').toString() === `room ${i}`, room);
    }
    await waitUntil(() => acks.every((n) => n >= 2), 'every room got a durable ack after its write');
    expect(socket.connections).toBe(1);
    expect(server.core.connectionCount).toBe(3);
  });

  it('[S14.3] a room the token does not cover is refused on the shared socket while the others continue', async () => {
    const server = await startTestServer({ authSecret: TEST_SECRET });
    const socket = muxSocket(server.wsUrl, await token({ boards: ['allowed'] }));
    const allowed = muxRoom(socket, 'board.allowed');
    const description = muxRoom(socket, 'board.allowed.card.c1');
    const refused = muxRoom(socket, 'board.other');
    const denied = new Promise<{ code: number; reason: string }>((resolve) => refused.on('denied', resolve));
    await waitUntil(() => allowed.synced && description.synced, 'the covered rooms sync');
    expect((await denied).code).toBe(CloseCode.forbidden);
    allowed.doc.getText('t').insert(0, 'still here');
    await waitUntil(
      () => server.core.rooms.get('board.allowed')?.doc.getText('t').toString() === 'still here',
      'the allowed room keeps syncing on the same socket',
    );
    expect(socket.status).toBe('connected');
    expect(socket.connections).toBe(1);
    expect(server.core.rooms.get('board.other')).toBeUndefined();
  });

  it('[S14.3] without a token every room is refused per room with 4401 and the socket stays open', async () => {
    const server = await startTestServer({ authSecret: TEST_SECRET });
    const socket = muxSocket(server.wsUrl);
    const room = muxRoom(socket, 'board.x');
    const denied = await new Promise<{ code: number }>((resolve) => room.on('denied', resolve));
    expect(denied.code).toBe(CloseCode.tokenExpired);
    expect(socket.status).toBe('connected');
  });

  it('[S14.3][S12.3] revoking a board closes its rooms on a shared socket with 4401; the others stay', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trellis-mux-revoke-'));
    disposers.push(() => rm(dataDir, { recursive: true, force: true }));
    const server = await startTestServer({ dataDir, authSecret: TEST_SECRET });
    const socket = muxSocket(server.wsUrl, await token({ boards: ['revoked', 'kept'] }));
    const revoked = muxRoom(socket, 'board.revoked.card.c1');
    const kept = muxRoom(socket, 'board.kept');
    await waitUntil(() => revoked.synced && kept.synced, 'both synced');
    const denied = new Promise<{ code: number; reason: string }>((resolve) => revoked.on('denied', resolve));
    const result = await cli(['revoke', 'revoked', '--data-dir', dataDir], { AUTH_SECRET: TEST_SECRET });
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stderr).toContain('1 connections closed');
    expect(await denied).toEqual({ code: CloseCode.tokenRevoked, reason: 'token revoked' });
    kept.doc.getText('t').insert(0, 'kept');
    await waitUntil(
      () => server.core.rooms.get('board.kept')?.doc.getText('t').toString() === 'kept',
      'the other board keeps syncing',
    );
    expect(socket.connections).toBe(1);
  });

  it('[S14.2] presence is per room: a state set in one room is seen there only', async () => {
    const server = await startTestServer();
    const a = muxSocket(server.wsUrl);
    const b = muxSocket(server.wsUrl);
    const aOne = muxRoom(a, 'board.p1');
    const aTwo = muxRoom(a, 'board.p2');
    const bOne = muxRoom(b, 'board.p1');
    const bTwo = muxRoom(b, 'board.p2');
    const stock = connectClient(server.wsUrl, 'board.p2');
    await waitUntil(() => [aOne, aTwo, bOne, bTwo].every((p) => p.synced), 'all synced');
    aOne.awareness.setLocalState({ name: 'a in p1' });
    bTwo.awareness.setLocalState({ name: 'b in p2' });
    await waitUntil(
      () => bOne.awareness.getStates().get(aOne.doc.clientID)?.name === 'a in p1',
      'b sees a in p1',
    );
    await waitUntil(
      () => aTwo.awareness.getStates().get(bTwo.doc.clientID)?.name === 'b in p2',
      'a sees b in p2',
    );
    await waitUntil(
      () => stock.provider.awareness.getStates().get(bTwo.doc.clientID)?.name === 'b in p2',
      'a stock provider sees the mux presence of its room',
    );
    expect(bTwo.awareness.getStates().has(aOne.doc.clientID)).toBe(false);
    expect(aOne.awareness.getStates().has(bTwo.doc.clientID)).toBe(false);
    // Leaving a room removes its presence there (S5.2) and nowhere else.
    aOne.disconnect();
    await waitUntil(() => !bOne.awareness.getStates().has(aOne.doc.clientID), 'a left p1');
    expect(server.core.rooms.get('board.p2')?.connections.size).toBe(3);
  });

  it('[S14.4] a malformed frame for one room closes only that room; the socket and other rooms stay', async () => {
    const server = await startTestServer();
    const { ws, frames } = await rawMux(server.wsUrl);
    ws.send(
      writeJoin([
        { room: 'board.good', durableAck: false, stateVector: null },
        { room: 'board.bad', durableAck: false, stateVector: null },
      ]),
    );
    await waitUntil(() => server.core.connectionCount === 2, 'both rooms joined');
    ws.send(writeMessage('board.bad', new Uint8Array([0, 2, 50, 1]))); // truncated update
    await waitUntil(() => frames.some((f) => f.op === 'closed' && f.room === 'board.bad'), 'bad room closed');
    const closed = frames.find((f) => f.op === 'closed');
    expect(closed).toMatchObject({ op: 'closed', room: 'board.bad', code: CloseCode.protocolError });
    const update = new Y.Doc();
    update.getText('t').insert(0, 'ok');
    ws.send(writeMessage('board.good', encodeSyncUpdate(Y.encodeStateAsUpdate(update))));
    await waitUntil(
      () => server.core.rooms.get('board.good')?.doc.getText('t').toString() === 'ok',
      'the other room still applies updates',
    );
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(server.core.connectionCount).toBe(1);
  });

  it('[S14.4] broken framing closes the whole socket with 1002 and every room it held', async () => {
    const server = await startTestServer();
    const { ws } = await rawMux(server.wsUrl);
    ws.send(
      writeJoin([
        { room: 'board.f1', durableAck: false, stateVector: null },
        { room: 'board.f2', durableAck: false, stateVector: null },
      ]),
    );
    await waitUntil(() => server.core.connectionCount === 2, 'both rooms joined');
    const closed = whenClosed(ws);
    ws.send(new Uint8Array([9, 1, 2])); // unknown op
    expect((await closed).code).toBe(CloseCode.protocolError);
    await waitUntil(() => server.core.connectionCount === 0, 'every room released');
  });

  it('[S14.4] a text frame and a truncated join are broken framing', async () => {
    const server = await startTestServer();
    for (const bad of ['hello', new Uint8Array([0, 5, 3])]) {
      const { ws } = await rawMux(server.wsUrl);
      const closed = whenClosed(ws);
      ws.send(bad);
      expect((await closed).code).toBe(CloseCode.protocolError);
    }
  });

  it('[S14.8] a join/leave flood is slowed to the join rate on its socket; other sockets sync meanwhile and nothing is refused', async () => {
    const perSecond = 50;
    const burst = 10;
    const server = await startTestServer({ muxJoinsPerSecond: perSecond, muxJoinBurst: burst });
    const { ws, frames } = await rawMux(server.wsUrl);
    const pairs = 100;
    const started = Date.now();
    for (let i = 0; i < pairs; i++) {
      ws.send(writeJoin([{ room: 'board.flood', durableAck: false, stateVector: null }]));
      ws.send(writeLeave('board.flood'));
    }
    ws.send(writeJoin([{ room: 'board.last', durableAck: false, stateVector: null }]));
    // Another tab's socket and a stock provider are served while the flood waits its turn.
    const other = muxRoom(muxSocket(server.wsUrl), 'board.other');
    const stock = connectClient(server.wsUrl, 'board.other');
    await Promise.all([waitUntil(() => other.synced, 'the other socket synced'), whenSynced(stock)]);
    other.doc.getText('t').insert(0, 'meanwhile');
    await waitUntil(() => stock.text.toString() === 'meanwhile', 'an edit crossed between the others');
    expect(server.core.rooms.get('board.last')).toBeUndefined();
    // One token per room joined or left: the last join cannot come before the tokens for them all.
    const tokens = 2 * pairs + 1;
    await waitUntil(
      () => server.core.rooms.get('board.last')?.connections.size === 1,
      'the last join handled',
      2 * ((tokens - burst) / perSecond) * 1000 + 10_000,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(((tokens - burst - 1) / perSecond) * 1000);
    expect(frames.filter((f) => f.op === 'closed')).toEqual([]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(server.core.rooms.get('board.flood')?.connections.size ?? 0).toBe(0);
  });

  it('[S14.6] 21 rooms resync after a server restart, joined again in one frame', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'trellis-mux-'));
    disposers.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await spawnServer({ DATA_DIR: dataDir });
    disposers.push(() => stopServer(first, 'SIGKILL'));
    const port = new URL(first.url).port;
    const socket = muxSocket(first.wsUrl);
    const names = ['board.restart', ...Array.from({ length: 20 }, (_, i) => `board.restart.card.c${i}`)];
    const providers = names.map((room) => muxRoom(socket, room, new Y.Doc(), true));
    await waitUntil(() => providers.every((p) => p.synced), 'all 21 synced');
    const stored = providers.map(() => false);
    providers.forEach((provider, i) => {
      provider.on('durable-ack', (vector) => {
        stored[i] = Y.decodeStateVector(vector).get(provider.doc.clientID) !== undefined;
      });
      provider.doc.getText('t').insert(0, `before ${i};`);
    });
    await waitUntil(() => stored.every(Boolean), 'every room stored its edit');
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    await waitUntil(() => providers.every((p) => !p.synced), 'every room noticed the drop');
    // Offline edits in every room, sent with the resync.
    providers.forEach((provider, i) => {
      provider.doc.getText('t').insert(0, `offline ${i};`);
    });
    const connections = socket.connections;
    const joins = socket.joinFramesSent;
    const second = await spawnServer({ DATA_DIR: dataDir, PORT: port });
    disposers.push(() => stopServer(second));
    await waitUntil(() => providers.every((p) => p.synced), 'all 21 resynced', 15_000);
    // One socket and one join frame carrying all 21 state vectors.
    expect(socket.connections).toBe(connections + 1);
    expect(socket.joinFramesSent).toBe(joins + 1);
    // A fresh stock client of each room finds both edits: the resync carried the offline ones.
    for (const [i, room] of names.entries()) {
      const check = connectClient(second.wsUrl, room);
      await whenSynced(check);
      await waitUntil(
        () =>
          check.text.toString().includes(`offline ${i};`) && check.text.toString().includes(`before ${i};`),
        `${room} holds both edits`,
      );
      check.destroy();
    }
  });

  it('[S14.5][S8.2] a shared socket that stops reading pauses its rooms and each catches up on drain, never dropped', async () => {
    const server = await startTestServer({ maxMessagesPerSecond: 0 });
    const port = Number(new URL(server.url).port);
    const reader = await openStallableSocket(port, MUX_PATH.slice(1));
    disposers.push(() => reader.destroy());
    const docs = new Map(['board.flood', 'board.quiet'].map((room) => [room, new Y.Doc()]));
    reader.onMessage((bytes) => {
      const frame = readMuxFrame(bytes);
      const doc = frame.op === 'message' ? docs.get(frame.room) : undefined;
      if (doc === undefined || frame.op !== 'message') return;
      const decoder = decoding.createDecoder(frame.frame);
      if (decoding.readVarUint(decoder) !== MessageType.sync) return;
      syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, 'server');
    });
    reader.send(
      writeJoin(
        [...docs.keys()].map((room) => ({ room, durableAck: true, stateVector: new Uint8Array([0]) })),
      ),
    );
    const flood = connectClient(server.wsUrl, 'board.flood');
    const quiet = connectClient(server.wsUrl, 'board.quiet');
    await Promise.all([whenSynced(flood), whenSynced(quiet)]);
    await waitUntil(() => server.core.connectionCount === 4, 'the shared socket joined both rooms');

    reader.stall();
    // Far more than the kernel's socket buffers hold: the server's queue passes its limit.
    const chunk = 'x'.repeat(20_000);
    for (let i = 0; i < 400; i++) flood.text.insert(flood.text.length, chunk);
    quiet.text.insert(0, 'quiet room edit');
    await waitUntil(
      () => server.core.rooms.get('board.flood')?.doc.getText('t').length === 400 * 20_000,
      'the server has the flood',
      20_000,
    );
    // The flood is broadcast once stored (S2.1): the pause follows.
    await waitForAsync(async () => {
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      return Number(/^trellis_slow_reader_pauses_total (\d+)/m.exec(metrics)?.[1] ?? 0) > 0;
    }, 'a room paused for the shared socket');
    // Once what was applied before the pause is stored, the paused rooms hold back what follows:
    // only the catch-up on drain can bring these.
    const rooms = ['board.flood', 'board.quiet'].map((room) => server.core.rooms.get(room)!);
    await waitUntil(() => rooms.every((room) => !room.writes.busy), 'the flood is stored');
    flood.text.insert(0, 'after the pause;');
    quiet.text.insert(0, 'after the pause;');
    await waitUntil(
      () => rooms.every((room) => room.doc.getText('t').toString().startsWith('after the pause;')),
      'the server has the later edits',
    );

    reader.resume();
    await waitUntil(
      () => sameState(docs.get('board.flood')!, flood.doc),
      'the flooded room caught up',
      30_000,
    );
    await waitUntil(() => sameState(docs.get('board.quiet')!, quiet.doc), 'the quiet room caught up', 10_000);
    expect(reader.closeCode).toBeNull();
    expect(server.core.connectionCount).toBe(4);
  });

  it('[S14.1] the per-room endpoint is unchanged beside it, and /_mux is not a room', async () => {
    const server = await startTestServer();
    const stock = connectClient(server.wsUrl, 'board.plain');
    await whenSynced(stock);
    const { ws } = await rawMux(server.wsUrl);
    ws.send(writeJoin([{ room: 'board.plain', durableAck: false, stateVector: null }]));
    await waitUntil(() => server.core.connectionCount === 2, 'joined beside the stock provider');
    expect(server.core.rooms.get('_mux')).toBeUndefined();
  });
});
