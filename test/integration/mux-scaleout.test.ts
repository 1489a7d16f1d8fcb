/**
 * The multiplexed endpoint scaled out (S14 with S12's instances on Redis and PostgreSQL): a tab's
 * one socket to any instance sees the same rooms as stock providers on the others.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { MuxRoomProvider } from '../../client/sync/mux-provider';
import { MuxSocket } from '../../client/sync/mux-socket';
import { Role, secretKey, signToken } from '../../sync-server/auth/tokens';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, whenSynced } from './support/harness';
import { instanceEnv, type ScaleOutServices, startScaleOutServices } from './support/scaleout-services';
import { type ServerProcess, spawnServer, stopServer } from './support/server-process';

const SECRET = 'scale-out-test-secret-of-at-least-32-characters';
let services: ScaleOutServices;
const instances: ServerProcess[] = [];
let writeToken: string;
const disposers: Array<() => void> = [];

beforeAll(async () => {
  services = await startScaleOutServices();
  writeToken = await signToken(secretKey(SECRET), {
    boards: ['*'],
    role: Role.write,
    expiresInSeconds: null,
  });
  const env = instanceEnv(services, { AUTH_SECRET: SECRET });
  instances.push(...(await Promise.all([0, 1].map(() => spawnServer(env)))));
}, 60_000);

afterEach(async () => {
  for (const dispose of disposers.splice(0).reverse()) dispose();
  await cleanup();
});

afterAll(async () => {
  await Promise.allSettled(instances.map((instance) => stopServer(instance)));
  await services?.stop();
});

describe('multiplexed connection, scaled out', () => {
  it('[S14.1] a shared socket on one instance and stock providers on the other edit the same rooms, with presence', async () => {
    const socket = new MuxSocket({
      serverUrl: instances[0]!.wsUrl,
      token: writeToken,
      WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
      maxBackoffMs: 200,
    });
    disposers.push(() => socket.destroy());
    const rooms = ['board.mso', 'board.mso.card.a'];
    const mux = rooms.map((room) => new MuxRoomProvider(socket, room, new Y.Doc()));
    for (const provider of mux) disposers.push(() => provider.destroy());
    const stock = rooms.map((room) =>
      connectClient(instances[1]!.wsUrl, room, { params: { token: writeToken } }),
    );
    await Promise.all(stock.map((c) => whenSynced(c)));
    await waitUntil(() => mux.every((p) => p.synced), 'the shared socket synced both rooms');

    mux.forEach((provider, i) => {
      provider.doc.getText('t').insert(0, `mux ${i};`);
    });
    stock.forEach((client, i) => {
      client.text.insert(client.text.length, `stock ${i};`);
    });
    for (const [i, provider] of mux.entries()) {
      const client = stock[i]!;
      await waitUntil(
        () =>
          provider.doc.getText('t').toString() === client.text.toString() &&
          client.text.toString().includes(`mux ${i};`) &&
          client.text.toString().includes(`stock ${i};`),
        `${rooms[i]} converges across instances`,
      );
    }
    mux[1]!.awareness.setLocalState({ name: 'on the shared socket' });
    await waitUntil(
      () =>
        stock[1]!.provider.awareness.getStates().get(mux[1]!.doc.clientID)?.name === 'on the shared socket',
      'presence crosses instances, in its own room',
    );
    expect(stock[0]!.provider.awareness.getStates().has(mux[1]!.doc.clientID)).toBe(false);
  });
});
