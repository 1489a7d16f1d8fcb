/**
 * Backpressure in the core (S8), with sockets whose reader the test stops and restarts: a client
 * that reads too slowly is held back once its socket has more than the limit queued, and when the
 * socket drains it gets one diff, one awareness snapshot and (if it asked) one durable ack, never
 * a queue of frames and never a close.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MessageType } from '../../../shared/protocol';
import { encodeAwarenessFrame, encodeSyncStep1, encodeSyncUpdate } from '../../../shared/wire';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import type { SyncSocket } from '../../../sync-server/core/ports';
import { type ConnectionHandlers, SyncCore } from '../../../sync-server/core/sync-core';
import { GatedStore } from '../../support/gated-store';
import { waitUntil } from '../../support/wait';

const ROOM = 'slow-room';
const LIMIT = 4_096;

/**
 * A client on a socket the test can stop reading: frames sent to it then wait in `unread` and
 * count in `bufferedAmount`, as in a kernel buffer that filled; `read()` takes them all in, after
 * which the socket reports the drain.
 */
class Client implements SyncSocket {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  handlers: ConnectionHandlers | null = null;
  unread: Uint8Array[] = [];
  bufferedAmount = 0;
  closedWith: number | null = null;
  /** Every frame read, in order, with its kind. */
  readonly received: Array<{ kind: string; frame: Uint8Array }> = [];
  /** State vectors of the durable acks read. */
  readonly acks: Uint8Array[] = [];
  private stalled = false;
  private drainListeners: Array<() => void> = [];

  constructor(core: SyncCore, durableAck = false) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.handlers?.handleFrame(encodeSyncUpdate(update));
    });
    this.handlers = core.handleConnection(this, {
      room: ROOM,
      readOnly: false,
      durableAck,
      remoteAddress: 'test',
    });
    this.handlers.handleFrame(encodeSyncStep1(Y.encodeStateVector(this.doc)));
  }

  send(frame: Uint8Array): void {
    if (this.stalled) {
      this.unread.push(frame);
      this.bufferedAmount += frame.byteLength;
    } else {
      this.take(frame);
    }
  }

  close(code: number): void {
    this.closedWith = code;
  }

  onDrain(fn: () => void): void {
    this.drainListeners.push(fn);
  }

  stall(): void {
    this.stalled = true;
  }

  /** Reads everything queued and keeps reading from now on. */
  read(): void {
    this.stalled = false;
    const unread = this.unread;
    this.unread = [];
    this.bufferedAmount = 0;
    for (const frame of unread) this.take(frame);
    for (const fn of this.drainListeners.splice(0)) fn();
  }

  /** The kinds of the frames read since `from`. */
  kindsSince(from: number): string[] {
    return this.received.slice(from).map((r) => r.kind);
  }

  private take(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.sync) {
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, MessageType.sync);
      const step = syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
      this.received.push({ kind: ['step1', 'step2', 'update'][step] ?? 'sync', frame });
      if (encoding.length(reply) > 1) this.handlers?.handleFrame(encoding.toUint8Array(reply));
    } else if (type === MessageType.awareness) {
      this.received.push({ kind: 'awareness', frame });
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    } else if (type === MessageType.durableAck) {
      this.received.push({ kind: 'ack', frame });
      this.acks.push(decoding.readVarUint8Array(decoder));
    }
  }
}

const cores: SyncCore[] = [];
const gated: GatedStore[] = [];
afterEach(async () => {
  // A failed test may leave a write waiting: let it land so shutdown does not wait for it.
  for (const store of gated.splice(0)) store.openGate();
  for (const core of cores.splice(0)) await core.stop();
});

function startCore(store = new MemoryDocStore()): SyncCore {
  if (store instanceof GatedStore) gated.push(store);
  const core = new SyncCore({ store, maxBufferedBytes: LIMIT, maxMessagesPerSecond: 0 });
  cores.push(core);
  return core;
}

function text(client: Client): string {
  return client.doc.getText('t').toString();
}

function append(client: Client, value: string): void {
  const t = client.doc.getText('t');
  t.insert(t.length, value);
}

async function joined(core: SyncCore, ...clients: Client[]): Promise<void> {
  await waitUntil(
    () => clients.every((c) => c.received.some((r) => r.kind === 'step2')),
    'every client got its first sync reply',
  );
  await core.rooms.get(ROOM)!.writes.whenDrained();
}

describe('backpressure in the core', () => {
  it('[S8.1][S8.2] a client that stops reading is held back past the limit instead of queued, never closed, and one diff on drain brings it level', async () => {
    const core = startCore();
    const writer = new Client(core);
    const reader = new Client(core);
    await joined(core, writer, reader);
    reader.stall();
    const room = core.rooms.get(ROOM)!;
    for (let i = 0; i < 200; i++) {
      append(writer, `edit ${i};${'x'.repeat(100)}`);
      await room.writes.whenDrained();
    }
    // 200 updates of ~110 bytes went out; the stalled socket holds about the limit, not 22 kB.
    expect(reader.bufferedAmount).toBeGreaterThan(LIMIT);
    expect(reader.bufferedAmount).toBeLessThan(LIMIT + 200);
    expect(reader.closedWith).toBeNull();
    expect(core.connectionCount).toBe(2);

    // Frames read after those queued before the pause.
    const before = reader.received.length + reader.unread.length;
    reader.read();
    await waitUntil(() => text(reader) === text(writer), 'the reader caught up');
    // What it read: the frames queued before the pause, then one diff.
    expect(reader.kindsSince(before).filter((k) => k === 'step2')).toEqual(['step2']);
    expect(reader.received.length - before).toBeLessThan(50);
    // And it is live again: the next edit arrives as an ordinary update.
    append(writer, 'after;');
    await waitUntil(() => text(reader).endsWith('after;'), 'the next edit reaches the reader');
  });

  it('[S8.2] awareness held back from a slow reader is replaced by one snapshot of the latest states on drain', async () => {
    const core = startCore();
    const writer = new Client(core);
    const reader = new Client(core);
    await joined(core, writer, reader);
    reader.stall();
    const room = core.rooms.get(ROOM)!;
    for (let i = 0; i < 60; i++) {
      append(writer, `fill ${i};${'x'.repeat(100)}`);
      await room.writes.whenDrained();
    }
    const queued = reader.unread.length;
    for (let i = 0; i < 20; i++) {
      writer.awareness.setLocalState({ cursor: i });
      writer.handlers!.handleFrame(
        encodeAwarenessFrame(
          awarenessProtocol.encodeAwarenessUpdate(writer.awareness, [writer.doc.clientID]),
        ),
      );
      await waitUntil(
        () => (room.awareness.getStates().get(writer.doc.clientID) as { cursor?: number })?.cursor === i,
        `awareness ${i} applied`,
      );
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(reader.unread.length, 'nothing was queued for the stalled reader').toBe(queued);

    // Frames read after those queued before the pause.
    const before = reader.received.length + reader.unread.length;
    reader.read();
    await waitUntil(() => text(reader) === text(writer), 'the reader caught up');
    const awarenessFrames = reader.kindsSince(before).filter((k) => k === 'awareness');
    expect(awarenessFrames).toEqual(['awareness']);
    expect(reader.awareness.getStates().get(writer.doc.clientID)).toEqual({ cursor: 19 });
  });

  it('[S8.2][S5.2] a client that left while a reader was held back is removed from that reader by its catch-up', async () => {
    const core = startCore();
    const writer = new Client(core);
    const reader = new Client(core);
    const leaver = new Client(core);
    await joined(core, writer, reader, leaver);
    const room = core.rooms.get(ROOM)!;
    leaver.awareness.setLocalState({ name: 'leaver' });
    leaver.handlers!.handleFrame(
      encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(leaver.awareness, [leaver.doc.clientID])),
    );
    await waitUntil(
      () => reader.awareness.getStates().has(leaver.doc.clientID),
      'the reader sees the leaver',
    );
    reader.stall();
    for (let i = 0; i < 60; i++) {
      append(writer, `fill ${i};${'x'.repeat(100)}`);
      await room.writes.whenDrained();
    }
    const queued = reader.unread.length;
    leaver.handlers!.handleClose(1000, 'bye');
    await waitUntil(
      () => !room.awareness.getStates().has(leaver.doc.clientID),
      'the server removed the leaver',
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(reader.unread.length, 'the removal was held back').toBe(queued);

    reader.read();
    await waitUntil(() => text(reader) === text(writer), 'the reader caught up');
    await waitUntil(
      () => !reader.awareness.getStates().has(leaver.doc.clientID),
      'the leaver is gone for the reader',
      3_000,
    );
  });

  it('[S8.1][S2.1] updates applied before the pause but stored after it still reach the reader, and the catch-up leaves only once stored', async () => {
    const store = new GatedStore();
    const core = startCore(store);
    const writer = new Client(core);
    const reader = new Client(core);
    await joined(core, writer, reader);
    const room = core.rooms.get(ROOM)!;
    // The reader's socket is one frame short of the limit; the writer's next edits are being written.
    reader.stall();
    reader.bufferedAmount = LIMIT;
    store.closeGate();
    append(writer, 'one;');
    await waitUntil(() => store.waiting === 1, 'the first write is in flight');
    append(writer, 'two;'); // applied, waiting behind the first write
    store.openGate();
    await room.writes.whenDrained();
    // "one;" pushed the reader over the limit; "two;" was applied before that and still goes out.
    expect(reader.unread.length).toBe(2);
    append(writer, 'three;');
    await room.writes.whenDrained();
    expect(reader.unread.length, 'held back from now on').toBe(2);

    // It drains while another edit is still being written: the catch-up waits for the store.
    store.closeGate();
    append(writer, 'four;');
    await waitUntil(() => store.waiting === 1, 'the fourth write is in flight');
    // Frames read after those queued before the pause.
    const before = reader.received.length + reader.unread.length;
    reader.read();
    await new Promise((resolve) => setImmediate(resolve));
    expect(text(reader)).toBe('one;two;');
    expect(reader.kindsSince(before)).not.toContain('step2');
    store.openGate();
    await waitUntil(() => text(reader) === 'one;two;three;four;', 'the reader caught up');
    expect(reader.closedWith).toBeNull();
  });

  it('[S8.2][S9.1] a held-back durable-ack client gets no acks while held back, and one covering everything after its catch-up', async () => {
    const core = startCore();
    const writer = new Client(core);
    const reader = new Client(core, true);
    await joined(core, writer, reader);
    const room = core.rooms.get(ROOM)!;
    reader.stall();
    for (let i = 0; i < 60; i++) {
      append(writer, `edit ${i};${'x'.repeat(100)}`);
      await room.writes.whenDrained();
    }
    const queued = reader.unread.length;
    for (let i = 0; i < 10; i++) {
      append(writer, `more ${i};`);
      await room.writes.whenDrained();
    }
    expect(reader.unread.length, 'no acks queued while held back').toBe(queued);

    // Frames read after those queued before the pause.
    const before = reader.received.length + reader.unread.length;
    reader.read();
    await waitUntil(() => text(reader) === text(writer), 'the reader caught up');
    await waitUntil(() => reader.kindsSince(before).includes('ack'), 'the ack arrives');
    const kinds = reader.kindsSince(before);
    expect(kinds.indexOf('ack')).toBeGreaterThan(kinds.indexOf('step2'));
    expect(kinds.filter((k) => k === 'ack')).toEqual(['ack']);
    const acked = Y.decodeStateVector(reader.acks.at(-1)!);
    expect(acked).toEqual(Y.decodeStateVector(Y.encodeStateVector(writer.doc)));
  });

  it('[S8.2] a sync request from a held-back client is answered by its catch-up, from where the request says it stands', async () => {
    const core = startCore();
    const writer = new Client(core);
    const reader = new Client(core);
    await joined(core, writer, reader);
    const room = core.rooms.get(ROOM)!;
    append(writer, 'before;');
    await waitUntil(() => text(reader) === 'before;', 'the reader has the first edit');
    reader.stall();
    for (let i = 0; i < 60; i++) {
      append(writer, `edit ${i};${'x'.repeat(100)}`);
      await room.writes.whenDrained();
    }
    const queued = reader.unread.length;
    // The client asks for everything, as a client that lost its copy would.
    reader.handlers!.handleFrame(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
    await room.writes.whenDrained();
    expect(reader.unread.length, 'the request is not answered while held back').toBe(queued);

    // Frames read after those queued before the pause.
    const before = reader.received.length + reader.unread.length;
    reader.read();
    await waitUntil(() => text(reader) === text(writer), 'the reader caught up');
    const catchUp = reader.received.slice(before).find((r) => r.kind === 'step2')!;
    const fromCatchUpAlone = new Y.Doc();
    const decoder = decoding.createDecoder(catchUp.frame);
    decoding.readVarUint(decoder);
    syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), fromCatchUpAlone, null);
    expect(fromCatchUpAlone.getText('t').toString()).toBe(text(writer));
  });
});
