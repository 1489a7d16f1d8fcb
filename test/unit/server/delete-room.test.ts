/**
 * S12.2 in the core, on fake sockets and the memory store: deleting a room closes its connections
 * with 4410, stores nothing more of it, and a connection arriving meanwhile finds it empty.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../../shared/protocol';
import { decodeFrame, encodeSyncStep1, encodeSyncUpdate } from '../../../shared/wire';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import type { SyncSocket } from '../../../sync-server/core/ports';
import { SyncCore } from '../../../sync-server/core/sync-core';
import { waitUntil } from '../../support/wait';

/** The memory store with a delete that waits until the test lets it go. */
class GatedStore extends MemoryDocStore {
  deleteGate: Promise<void> | null = null;

  override async delete(room: string): Promise<void> {
    if (this.deleteGate) await this.deleteGate;
    return super.delete(room);
  }
}

interface Client {
  closes: number[];
  frames: Uint8Array[];
  send(frame: Uint8Array): void;
}

function connector(core: SyncCore) {
  return (room: string): Client => {
    const closes: number[] = [];
    const frames: Uint8Array[] = [];
    const socket: SyncSocket = {
      bufferedAmount: 0,
      send: (frame) => frames.push(frame),
      close: (code) => closes.push(code),
      onDrain() {},
    };
    const handlers = core.handleConnection(socket, {
      room,
      readOnly: false,
      durableAck: false,
      remoteAddress: '127.0.0.1',
    });
    return { closes, frames, send: (frame) => handlers.handleFrame(frame) };
  };
}

function textIn(frames: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const frame of frames) {
    const message = decodeFrame(frame);
    if (message.kind === 'syncStep2' || message.kind === 'update') Y.applyUpdate(doc, message.update);
  }
  return doc.getText('t').toString();
}

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

function storedText(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

const EMPTY_STATE_VECTOR = new Uint8Array([0]);

describe('[S12.2] deleting a room (core)', () => {
  it('[S12.2] closes its connections with 4410, removes it from the store and never writes it back; other rooms go on', async () => {
    const store = new MemoryDocStore();
    await store.append('doomed', textUpdate('stored'));
    const core = new SyncCore({ store, maxMessagesPerSecond: 0, unloadDelayMs: 0 });
    const connect = connector(core);
    const a = connect('doomed');
    const b = connect('doomed');
    const other = connect('other');
    a.send(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await waitUntil(() => textIn(a.frames) === 'stored', 'the room loaded');
    other.send(encodeSyncUpdate(textUpdate('kept')));
    // An update still on its way to the store when the delete starts.
    b.send(encodeSyncUpdate(textUpdate('unstored ')));

    await core.deleteRoom('doomed');
    expect(a.closes).toEqual([CloseCode.deleted]);
    expect(b.closes).toEqual([CloseCode.deleted]);
    expect(other.closes).toEqual([]);
    expect(core.rooms.get('doomed')).toBeUndefined();
    expect((await store.load('doomed')).updates).toEqual([]);
    await core.stop();
    // Shutdown stores every loaded room: the deleted one is not among them.
    expect((await store.load('doomed')).updates).toEqual([]);
    expect(storedText((await store.load('other')).updates)).toBe('kept');
  });

  it('[S12.2] a connection arriving while the delete runs waits for it, then finds the room empty', async () => {
    const store = new GatedStore();
    await store.append('doomed', textUpdate('old content'));
    const core = new SyncCore({ store, maxMessagesPerSecond: 0 });
    const connect = connector(core);
    const before = connect('doomed');
    before.send(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await waitUntil(() => textIn(before.frames) === 'old content', 'the room loaded');
    let release = () => {};
    store.deleteGate = new Promise((resolve) => {
      release = resolve;
    });
    const deleting = core.deleteRoom('doomed');
    await waitUntil(() => before.closes.length > 0, 'the old connection was closed');
    const during = connect('doomed');
    during.send(encodeSyncStep1(EMPTY_STATE_VECTOR));
    await new Promise((resolve) => setImmediate(resolve));
    // Nothing answered while the stored content is still there.
    expect(during.frames).toEqual([]);
    release();
    await deleting;
    await waitUntil(() => during.frames.length >= 2, 'the new connection was answered');
    expect(textIn(during.frames)).toBe('');
    expect(during.closes).toEqual([]);
    during.send(encodeSyncUpdate(textUpdate('fresh')));
    await core.stop();
    expect(storedText((await store.load('doomed')).updates)).toBe('fresh');
  });

  it('[S12.2] a room still loading when it is deleted closes its waiting connections and stays deleted', async () => {
    const store = new MemoryDocStore();
    await store.append('doomed', textUpdate('old'));
    let finishLoad = () => {};
    store.loadGate = new Promise((resolve) => {
      finishLoad = resolve;
    });
    const core = new SyncCore({ store, maxMessagesPerSecond: 0 });
    const connect = connector(core);
    const waiting = connect('doomed');
    waiting.send(encodeSyncStep1(EMPTY_STATE_VECTOR));
    const deleting = core.deleteRoom('doomed');
    finishLoad();
    store.loadGate = null;
    await deleting;
    expect(waiting.closes).toEqual([CloseCode.deleted]);
    expect(textIn(waiting.frames)).toBe('');
    expect((await store.load('doomed')).updates).toEqual([]);
    await core.stop();
  });
});
