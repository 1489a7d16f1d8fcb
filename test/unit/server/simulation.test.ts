/**
 * Deterministic-schedule simulation of the core: replicas talk to the real SyncCore through fake
 * sockets whose delivery order, disconnects and reconnects are chosen by a seeded PRNG. Whatever
 * the schedule, once everyone reconnects and the queues drain, every replica, the server's
 * document and the stored log hold the same state. A failing seed is printed; keep it below.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MessageType } from '../../../shared/protocol';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import type { SyncSocket } from '../../../sync-server/core/ports';
import { type ConnectionHandlers, SyncCore } from '../../../sync-server/core/sync-core';
import { seededRandom } from '../../support/wait';

const ROOM = 'sim-room';

class Replica {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Frames from the server, not yet delivered. */
  inbox: Uint8Array[] = [];
  /** Frames to the server, not yet delivered. */
  outbox: Uint8Array[] = [];
  handlers: ConnectionHandlers | null = null;
  private socketClosed = true;

  constructor(readonly name: string) {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this || this.handlers === null) return;
      this.outbox.push(frame((e) => syncProtocol.writeUpdate(e, update)));
    });
  }

  connect(core: SyncCore): void {
    this.inbox = [];
    this.outbox = [];
    this.socketClosed = false;
    const socket: SyncSocket = {
      send: (f) => {
        if (!this.socketClosed) this.inbox.push(f);
      },
      bufferedAmount: 0,
      close: () => this.drop(),
      terminate: () => this.drop(),
    };
    this.handlers = core.handleConnection(socket, {
      room: ROOM,
      readOnly: false,
      durableAck: false,
      remoteAddress: this.name,
    });
    this.outbox.push(frame((e) => syncProtocol.writeSyncStep1(e, this.doc)));
  }

  disconnect(): void {
    const handlers = this.handlers;
    this.drop();
    handlers?.handleClose(1006, 'network');
  }

  deliverToServer(count: number): void {
    for (const f of this.outbox.splice(0, count)) this.handlers?.handleFrame(f);
  }

  deliverFromServer(count: number): void {
    for (const f of this.inbox.splice(0, count)) {
      const decoder = decoding.createDecoder(f);
      const type = decoding.readVarUint(decoder);
      if (type !== MessageType.sync) continue;
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, MessageType.sync);
      syncProtocol.readSyncMessage(decoder, reply, this.doc, this);
      if (encoding.length(reply) > 1) this.outbox.push(encoding.toUint8Array(reply));
    }
  }

  private drop(): void {
    this.socketClosed = true;
    this.handlers = null;
    this.inbox = [];
    this.outbox = [];
  }
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  write(e);
  return encoding.toUint8Array(e);
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function simulate(seed: number, steps = 300): Promise<void> {
  const random = seededRandom(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const store = new MemoryDocStore();
  // Half the seeds batch per turn only, half with the default window, so both schedules are covered.
  const core = new SyncCore({
    store,
    compactThreshold: 8,
    unloadDelayMs: 5,
    batchWindowMs: seed % 2 === 0 ? 0 : 2,
  });
  const replicas = Array.from({ length: 4 }, (_, i) => new Replica(`r${i}`));
  for (const r of replicas) r.connect(core);
  let edits = 0;

  for (let step = 0; step < steps; step++) {
    const r = pick(replicas);
    const action = random();
    if (action < 0.3) {
      const text = r.doc.getText('t');
      text.insert(Math.floor(random() * (text.length + 1)), `${r.name}.${edits++};`);
      if (random() < 0.2 && text.length > 4) text.delete(Math.floor(random() * (text.length - 2)), 2);
    } else if (action < 0.55) r.deliverToServer(1 + Math.floor(random() * 3));
    else if (action < 0.8) r.deliverFromServer(1 + Math.floor(random() * 3));
    else if (action < 0.86) {
      if (r.handlers) r.disconnect();
      else r.connect(core);
    } else {
      await turn();
    }
  }

  // Heal: everyone connects, queues drain until nothing moves.
  for (const r of replicas) if (!r.handlers) r.connect(core);
  for (let round = 0; round < 200; round++) {
    for (const r of replicas) {
      r.deliverToServer(Number.POSITIVE_INFINITY);
      r.deliverFromServer(Number.POSITIVE_INFINITY);
    }
    // Broadcasts leave once their batch is stored (after the pipeline's batch window).
    await core.rooms.flushAll();
    await turn();
    if (replicas.every((r) => r.inbox.length === 0 && r.outbox.length === 0) && round > 5) break;
  }
  const serverDoc = core.rooms.get(ROOM)!.doc;
  const expected = serverDoc.getText('t').toString();
  for (const r of replicas) {
    expect(r.doc.getText('t').toString(), `replica ${r.name} (seed ${seed})`).toBe(expected);
  }
  await core.rooms.flushAll();
  const stored = new Y.Doc();
  for (const u of (await store.load(ROOM)).updates) Y.applyUpdate(stored, u);
  expect(stored.getText('t').toString(), `stored log (seed ${seed})`).toBe(expected);
  await core.stop();
}

describe('simulated schedules against the real core', () => {
  const seeds = Array.from({ length: 25 }, (_, i) => 1000 + i * 7919);
  it.each(seeds)('seed %i: replicas, server and store converge', async (seed) => {
    await simulate(seed);
  });
});
