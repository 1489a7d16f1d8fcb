/**
 * S2.4 in the core: with a store that appends synchronously (LevelDB with its journal), a client's
 * update the document takes whole is stored, sent on in the frame it came in, and applied, all
 * within the call that handed the frame over; everything else takes the write pipeline, and nothing
 * overtakes an update still on its way to the store (S2.1). Presence takes the same two paths: at
 * once in a quiet room, merged per turn in a storm (S5).
 */
import * as decoding from 'lib0/decoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { MessageType } from '../../../shared/protocol';
import { encodeAwarenessFrame, encodeSyncStep1, encodeSyncUpdate } from '../../../shared/wire';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import type { SyncSocket } from '../../../sync-server/core/ports';
import { type ConnectionHandlers, SyncCore } from '../../../sync-server/core/sync-core';
import { FakeClock } from '../../support/fake-clock';
import { GatedStore } from '../../support/gated-store';
import { answerSync, settle } from '../../support/simulation';
import { waitUntil } from '../../support/wait';

const ROOM = 'forward-room';

/**
 * A gated memory store with a synchronous append, writing what it stores into one shared event log.
 * `refuseSync` makes the next synchronous appends throw.
 */
class SyncAppendStore extends GatedStore {
  refuseSync = 0;

  constructor(private readonly log: string[]) {
    super();
  }

  appendSync(room: string, update: Uint8Array): void {
    if (this.refuseSync > 0) {
      this.refuseSync--;
      throw new Error('disk full');
    }
    this.log.push(`stored sync ${update.byteLength}`);
    // Straight into memory, past the gate (which holds `append` only): MemoryDocStore appends within
    // the call, its promise only reports it.
    void MemoryDocStore.prototype.append.call(this, room, update);
  }

  override async append(room: string, update: Uint8Array): Promise<void> {
    await super.append(room, update);
    this.log.push(`stored ${update.byteLength}`);
  }
}

/** A client of the core: frames it receives are logged with its name and applied to its doc. */
class Client implements SyncSocket {
  readonly doc = new Y.Doc();
  readonly handlers: ConnectionHandlers;
  readonly frames: Uint8Array[] = [];
  readonly acks: Map<number, number>[] = [];
  bufferedAmount = 0;
  /** The frames this client sent with its own updates. */
  readonly sentUpdates: Uint8Array[] = [];

  constructor(
    core: SyncCore,
    readonly name: string,
    private readonly log: string[],
    durableAck = false,
  ) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      const frame = encodeSyncUpdate(update);
      this.sentUpdates.push(frame);
      this.handlers.handleFrame(frame);
    });
    this.handlers = core.handleConnection(this, {
      room: ROOM,
      readOnly: false,
      durableAck,
      remoteAddress: name,
    });
    this.handlers.handleFrame(encodeSyncStep1(Y.encodeStateVector(this.doc)));
  }

  send(frame: Uint8Array): void {
    this.frames.push(frame);
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.durableAck) {
      this.log.push(`${this.name} ack`);
      this.acks.push(Y.decodeStateVector(decoding.readVarUint8Array(decoder)));
      return;
    }
    if (type === MessageType.sync) this.log.push(`${this.name} sync`);
    const reply = answerSync(frame, this.doc, this);
    if (reply !== null) this.handlers.handleFrame(reply);
  }

  close(): void {}
  onDrain(): void {}
}

const cores: SyncCore[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.stop();
});

async function setUp(durableAck = false, clock?: FakeClock) {
  const log: string[] = [];
  const store = new SyncAppendStore(log);
  const core = new SyncCore({ store, ...(clock ? { clock } : {}) });
  cores.push(core);
  const a = new Client(core, 'a', log);
  const b = new Client(core, 'b', log, durableAck);
  const c = new Client(core, 'c', log);
  // Loaded and synced: each got the server's sync step 1 and its reply.
  await waitUntil(
    () => [a, b, c].every((client) => client.frames.length >= 2),
    'the room loaded and every client synced',
  );
  await core.rooms.get(ROOM)!.writes.whenDrained();
  log.length = 0;
  return { log, store, core, a, b, c };
}

describe('[S2.4] a client update forwarded as it came', () => {
  it('is stored, then sent to every other client in the very frame it arrived in, then applied, before the call returns', async () => {
    const { log, core, a, b, c } = await setUp();
    a.doc.getText('t').insert(0, 'hello');
    // Nothing awaited: all of it happened inside a's handleFrame.
    expect(log).toEqual([expect.stringMatching(/^stored sync/), 'b sync', 'c sync']);
    const frame = a.sentUpdates[0]!;
    expect(b.frames.at(-1)).toBe(frame);
    expect(c.frames.at(-1)).toBe(frame);
    expect(core.rooms.get(ROOM)!.doc.getText('t').toString()).toBe('hello');
    expect(b.doc.getText('t').toString()).toBe('hello');
    // The sender gets nothing back.
    expect(a.frames.filter((f) => f === frame)).toEqual([]);
  });

  it('a client that asked for durable acks gets one covering the update, after the update', async () => {
    const { log, a, b } = await setUp(true);
    a.doc.getMap('m').set('k', 1);
    expect(log).toEqual([expect.stringMatching(/^stored sync/), 'b sync', 'c sync', 'b ack']);
    expect(b.acks.at(-1)!.get(a.doc.clientID)).toBe(Y.getState(a.doc.store, a.doc.clientID));
  });

  it('an update waiting for a missing one goes through the pipeline and leaves only with it, once stored', async () => {
    const { log, a, b } = await setUp();
    const updates: Uint8Array[] = [];
    const author = new Y.Doc();
    author.on('update', (u: Uint8Array) => updates.push(u));
    author.getText('t').insert(0, 'x');
    author.getText('t').insert(1, 'y');
    a.handlers.handleFrame(encodeSyncUpdate(updates[1]!));
    await settle();
    expect(log).toEqual([]);
    a.handlers.handleFrame(encodeSyncUpdate(updates[0]!));
    // The room held content waiting: applied first (both integrate), then stored, then sent.
    expect(log).toEqual([]);
    await waitUntil(() => b.doc.getText('t').toString() === 'xy', 'b has both updates');
    expect(log[0]).toMatch(/^stored \d+$/);
    expect(log.slice(1)).toEqual(['b sync', 'c sync']);
  });

  it('when the synchronous append fails, the pipeline stores it and nothing leaves before; a later update does not overtake it', async () => {
    const { log, store, a, b } = await setUp();
    store.refuseSync = 1;
    store.closeGate();
    a.doc.getText('t').insert(0, 'first');
    a.doc.getText('t').insert(5, ' second');
    // The first waits in the pipeline; the second must not be forwarded past it.
    expect(log).toEqual([]);
    expect(b.doc.getText('t').toString()).toBe('');
    store.openGate();
    await waitUntil(() => b.doc.getText('t').toString() === 'first second', 'b has both updates');
    expect(log.filter((entry) => entry.startsWith('stored')).length).toBeGreaterThanOrEqual(1);
    expect(log.indexOf('b sync')).toBeGreaterThan(log.findIndex((entry) => entry.startsWith('stored')));
    // Quiet again: the next update is forwarded at once.
    log.length = 0;
    a.doc.getText('t').insert(0, '>');
    expect(log).toEqual([expect.stringMatching(/^stored sync/), 'b sync', 'c sync']);
  });
});

describe('[S5] presence in a quiet room', () => {
  it("a presence change leaves once the callback that read it returns, not after the turn's other I/O", async () => {
    // On a fake clock, tasks queued for after I/O (afterIo) run only when the test runs them.
    const clock = new FakeClock();
    const loaded = setUp(false, clock);
    while (clock.pending > 0) {
      clock.runNext();
      await settle();
    }
    const { a, b } = await loaded;
    const awareness = new awarenessProtocol.Awareness(a.doc);
    awareness.setLocalState({ name: 'Ada' });
    a.handlers.handleFrame(
      encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(awareness, [a.doc.clientID])),
    );
    for (let i = 0; i < 5; i++) await Promise.resolve();
    const kinds = b.frames.map((frame) => decoding.readVarUint(decoding.createDecoder(frame)));
    expect(kinds).toContain(MessageType.awareness);
    awareness.destroy();
  });
});

describe('[S5] presence in a join storm', () => {
  it('once presence comes fast to many, the changes read in one turn leave merged in one frame after its I/O', async () => {
    const clock = new FakeClock();
    const runDue = async () => {
      while (clock.nextDueAt() !== null && clock.nextDueAt()! <= clock.now()) {
        clock.runNext();
        await settle();
      }
    };
    const loaded = setUp(false, clock);
    await runDue();
    const { core, log, b } = await loaded;
    const joiners = Array.from({ length: 40 }, (_, i) => new Client(core, `j${i}`, log));
    await runDue();
    const awarenessFrames = () =>
      b.frames.filter(
        (frame) => decoding.readVarUint(decoding.createDecoder(frame)) === MessageType.awareness,
      );
    const before = awarenessFrames().length;

    // Each joiner's presence arrives in its own socket callback (microtasks run between them), all
    // within one turn: the clock does not move and nothing queued after I/O runs.
    const presences = joiners.map((joiner, i) => {
      const awareness = new awarenessProtocol.Awareness(joiner.doc);
      awareness.setLocalState({ name: `joiner ${i}` });
      return awareness;
    });
    for (const [i, joiner] of joiners.entries()) {
      joiner.handlers.handleFrame(
        encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(presences[i]!, [joiner.doc.clientID])),
      );
      await settle();
    }
    const duringTurn = awarenessFrames().length - before;
    // The first changes of a quiet room leave at once; once the storm shows, the rest wait.
    expect(duringTurn).toBeGreaterThan(0);
    expect(duringTurn).toBeLessThan(joiners.length);
    await runDue();
    const frames = awarenessFrames().slice(before);
    expect(frames).toHaveLength(duringTurn + 1);
    // Nothing is lost by merging: b knows every joiner's state.
    const seen = new awarenessProtocol.Awareness(new Y.Doc());
    for (const frame of frames) {
      const decoder = decoding.createDecoder(frame);
      decoding.readVarUint(decoder);
      awarenessProtocol.applyAwarenessUpdate(seen, decoding.readVarUint8Array(decoder), 'server');
    }
    for (const joiner of joiners) {
      expect(seen.getStates().get(joiner.doc.clientID)).toEqual({ name: `joiner ${joiner.name.slice(1)}` });
    }
    for (const awareness of [...presences, seen]) awareness.destroy();
  });
});
