import type * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readDurableAck } from '../../client/sync/durable';
import { MessageType } from '../../shared/protocol';
import { MemoryDocStore } from '../../sync-server/core/memory-doc-store';
import { waitUntil } from '../support/wait';
import { cleanup, connectClient, startTestServer, type TestClient, whenSynced } from './support/harness';

afterEach(cleanup);

function collectAcks(client: TestClient): Array<Map<number, number>> {
  const acks: Array<Map<number, number>> = [];
  client.provider.messageHandlers[MessageType.durableAck] = (
    _encoder: unknown,
    decoder: decoding.Decoder,
  ) => {
    acks.push(readDurableAck(decoder));
  };
  return acks;
}

const ownClock = (client: TestClient) =>
  Y.decodeStateVector(Y.encodeStateVector(client.doc)).get(client.doc.clientID) ?? 0;

describe('durable acknowledgement', () => {
  it('[S9.1] a client that asks is told what the server stored, after it is stored', async () => {
    const store = new MemoryDocStore();
    const server = await startTestServer({}, { store });
    const a = connectClient(server.wsUrl, 'room-ack', { params: { durable: '1' } });
    const acks = collectAcks(a);
    await whenSynced(a);
    await waitUntil(() => acks.length >= 1, 'an initial ack');
    store.failNext(2);
    a.text.insert(0, 'hello');
    const clock = ownClock(a);
    await waitUntil(() => store.calls.append >= 1, 'a first (failing) write');
    expect(acks.some((ack) => (ack.get(a.doc.clientID) ?? 0) >= clock)).toBe(false);
    await waitUntil(
      () => acks.some((ack) => (ack.get(a.doc.clientID) ?? 0) >= clock),
      'an ack covering the edit',
    );
    const stored = new Y.Doc();
    for (const update of (await store.load('room-ack')).updates) Y.applyUpdate(stored, update);
    expect(stored.getText('t').toString()).toBe('hello');
  });

  it('[S9.1] stock clients that did not ask never receive the Trellis message', async () => {
    const server = await startTestServer();
    const a = connectClient(server.wsUrl, 'room-no-ack');
    const acks = collectAcks(a);
    await whenSynced(a);
    a.text.insert(0, 'x');
    const b = connectClient(server.wsUrl, 'room-no-ack');
    await waitUntil(() => b.text.toString() === 'x', 'b receives the edit');
    expect(acks).toEqual([]);
  });
});
