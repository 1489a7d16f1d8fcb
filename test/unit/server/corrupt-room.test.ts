/**
 * S7 in the core, on fake sockets and the memory store: every path that first decodes stored bytes
 * (the load, the first update, a compaction) turns a failure into one room out of service.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../../shared/protocol';
import { decodeFrame, encodeSyncStep1, encodeSyncUpdate } from '../../../shared/wire';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import { type CoreMetrics, type Logger, noopMetrics, type SyncSocket } from '../../../sync-server/core/ports';
import { SyncCore, type SyncCoreOptions } from '../../../sync-server/core/sync-core';
import { cutDeleteSet, textState, unbuildableUpdate, undecodableBytes } from '../../support/damaged-updates';
import { waitUntil } from '../../support/wait';

interface Client {
  closes: number[];
  frames: Uint8Array[];
  send(frame: Uint8Array): void;
}

function setup(store: MemoryDocStore, options: Partial<SyncCoreOptions> = {}) {
  const damaged: string[] = [];
  const errors: Array<{ room?: string; msg?: string }> = [];
  const metrics: CoreMetrics = { ...noopMetrics, documentDamaged: (kind) => damaged.push(kind) };
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (obj, msg) => errors.push({ ...(obj as { room?: string }), ...(msg ? { msg } : {}) }),
  };
  const core = new SyncCore({ store, metrics, logger, maxMessagesPerSecond: 0, ...options });
  const connect = (room: string): Client => {
    const closes: number[] = [];
    const frames: Uint8Array[] = [];
    // Both shapes of the socket port's optional parts, so the fake fits either.
    const socket = {
      bufferedAmount: 0,
      send: (frame: Uint8Array) => frames.push(frame),
      close: (code: number) => closes.push(code),
      terminate() {},
      onDrain() {},
    } as SyncSocket;
    const handlers = core.handleConnection(socket, {
      room,
      readOnly: false,
      durableAck: true,
      remoteAddress: '127.0.0.1',
    });
    return { closes, frames, send: (frame) => handlers.handleFrame(frame) };
  };
  return { core, connect, damaged, errors };
}

function textIn(frames: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const frame of frames) {
    const message = decodeFrame(frame);
    if (message.kind === 'syncStep2' || message.kind === 'update') Y.applyUpdate(doc, message.update);
  }
  return doc.getText('t').toString();
}

const EMPTY_STATE_VECTOR = new Uint8Array([0]);

describe('[S7] a corrupt stored document costs one room (core)', () => {
  it('[S7] an undecodable room closes its connections with documentUnreadable; a room beside it answers; after a repair it loads again', async () => {
    const store = new MemoryDocStore();
    await store.replace('bad', undecodableBytes(300, 3));
    await store.replace('good', textState('good'));
    const { core, connect, damaged, errors } = setup(store);

    const bad = connect('bad');
    const good = connect('good');
    good.send(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await waitUntil(() => bad.closes.length > 0, 'the bad room closed its connection');
    expect(bad.closes).toEqual([CloseCode.documentUnreadable]);
    // Nothing decoded from the bad room left the server.
    expect(bad.frames).toEqual([]);
    await waitUntil(() => textIn(good.frames) === 'good', 'the good room answers');
    expect(damaged).toEqual(['undecodable']);
    expect(errors).toMatchObject([{ room: 'bad', msg: expect.stringContaining('cannot be decoded') }]);
    expect(core.rooms.get('bad')).toBeUndefined();

    // An operator restores the room: the next connection loads it afresh.
    await store.replace('bad', textState('restored'));
    const again = connect('bad');
    again.send(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await waitUntil(() => textIn(again.frames) === 'restored', 'the repaired room serves');
    expect(again.closes).toEqual([]);
    await core.stop();
  });

  it('[S7] a document that fails to build when the first update arrives takes only its room out of service, and nothing is written', async () => {
    const store = new MemoryDocStore();
    await store.replace('late', unbuildableUpdate());
    await store.replace('good', textState('good'));
    const { core, connect, damaged } = setup(store);
    const writesBefore = store.calls.append + store.calls.replace;

    const late = connect('late');
    const good = connect('good');
    const peer = connect('late');
    const author = new Y.Doc();
    author.getText('t').insert(0, 'x');
    late.send(encodeSyncUpdate(Y.encodeStateAsUpdate(author)));
    await waitUntil(
      () => late.closes.length > 0 && peer.closes.length > 0,
      'the room closed its connections',
    );
    expect([...late.closes, ...peer.closes]).toEqual([
      CloseCode.documentUnreadable,
      CloseCode.documentUnreadable,
    ]);
    expect(damaged).toEqual(['undecodable']);
    expect(store.calls.append + store.calls.replace).toBe(writesBefore);
    expect((await store.load('late')).updates).toEqual([unbuildableUpdate()]);

    good.send(encodeSyncUpdate(Y.encodeStateAsUpdate(author)));
    good.send(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await waitUntil(() => textIn(good.frames).includes('x'), 'the good room takes updates');
    expect(good.closes).toEqual([]);
    await core.stop();
  });

  it('[S7] a stored delete set that is cut short takes the room out of service at the first diff', async () => {
    const store = new MemoryDocStore();
    await store.replace('cut', cutDeleteSet());
    const { core, connect, damaged } = setup(store);
    const client = connect('cut');
    const own = new Y.Doc();
    own.getText('t').insert(0, 'mine');
    client.send(encodeSyncStep1(Y.encodeStateVector(own)));
    await waitUntil(() => client.closes.length > 0, 'the room went out of service');
    expect(client.closes).toEqual([CloseCode.documentUnreadable]);
    expect(damaged).toEqual(['undecodable']);
    await core.stop();
  });

  it('[S7] a compaction that cannot build the document takes the room out of service and keeps the stored log', async () => {
    const store = new MemoryDocStore();
    // Two entries that merge (every struct decodes) into a document that cannot be built.
    await store.append('log', unbuildableUpdate());
    await store.append('log', textState('other'));
    const { core, connect, damaged } = setup(store, { compactThreshold: 2 });

    const client = connect('log');
    await waitUntil(() => client.closes.length > 0, 'the room went out of service');
    expect(client.closes).toEqual([CloseCode.documentUnreadable]);
    expect(damaged).toEqual(['undecodable']);
    expect((await store.load('log')).updates).toHaveLength(2);
    await core.stop();
  });
});
