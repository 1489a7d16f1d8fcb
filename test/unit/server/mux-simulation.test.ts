import { describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { readMuxFrame, writeJoin, writeLeave, writeMessage } from '../../../shared/mux-wire';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import { noopMetrics, type SyncSocket, silentLogger } from '../../../sync-server/core/ports';
import { SyncCore } from '../../../sync-server/core/sync-core';
import { MuxSession } from '../../../sync-server/http/mux-session';
import { FakeClock } from '../../support/fake-clock';
import { answerSync, passTime as passClockTime, settle, syncFrame } from '../../support/simulation';
import { missingStructs } from '../../support/updates';
import { seededRandom } from '../../support/wait';

const ROOMS = ['board.a', 'board.a.card.x', 'board.b'];
/** Refused to tab 0 (its token does not cover board c). */
const REFUSED = 'board.c';
const TABS = 3;
const MAX_BUFFERED = 1_000;

/** One room's document in a tab. */
class Replica {
  readonly doc = new Y.Doc();
  received: Uint8Array[] = [];
  joined = false;

  constructor(
    readonly tab: Tab,
    readonly room: string,
    clientId: number,
  ) {
    this.doc.clientID = clientId;
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) this.received.push(update);
      else if (this.joined)
        tab.sendFor(
          room,
          syncFrame((e) => syncProtocol.writeUpdate(e, update)),
        );
    });
  }
}

/** A page with one shared socket. */
class Tab {
  readonly replicas: Replica[];
  session: MuxSession | null = null;
  outbox: Uint8Array[] = [];
  inbox: Uint8Array[] = [];
  buffered = 0;
  drainWaiters: Array<() => void> = [];
  /** Frames of the refused room that reached this tab (must stay 0 for tab 0). */
  refusedFrames = 0;
  refusals = 0;

  constructor(
    readonly index: number,
    private readonly core: SyncCore,
  ) {
    const rooms = index === 0 ? [...ROOMS, REFUSED] : ROOMS;
    this.replicas = rooms.map((room, r) => new Replica(this, room, 1 + index * 100 + r));
  }

  get connected(): boolean {
    return this.session !== null;
  }

  connect(): void {
    this.outbox = [];
    this.inbox = [];
    this.buffered = 0;
    this.drainWaiters = [];
    const tab = this;
    const shared: SyncSocket = {
      send: (frame) => {
        if (tab.session === session) tab.inbox.push(frame);
      },
      get bufferedAmount() {
        return tab.buffered;
      },
      close: () => tab.drop(),
      onDrain: (fn) => tab.drainWaiters.push(fn),
    };
    const session = new MuxSession(shared, {
      core: this.core,
      logger: silentLogger,
      remoteAddress: `tab${this.index}`,
      authorize: (room) =>
        this.index === 0 && room === REFUSED
          ? { ok: false, status: 403, reason: 'not this board' }
          : { ok: true, readOnly: false },
      at: () => () => {},
    });
    this.session = session;
    // Every room in one frame, each with its state vector (S14.6).
    for (const r of this.replicas) r.joined = true;
    this.outbox.push(
      writeJoin(
        this.replicas.map((r) => ({
          room: r.room,
          durableAck: true,
          stateVector: Y.encodeStateVector(r.doc),
        })),
      ),
    );
  }

  sendFor(room: string, frame: Uint8Array): void {
    if (this.session !== null) this.outbox.push(writeMessage(room, frame));
  }

  leave(replica: Replica): void {
    if (!replica.joined || this.session === null) return;
    replica.joined = false;
    this.outbox.push(writeLeave(replica.room));
  }

  join(replica: Replica): void {
    if (replica.joined || this.session === null) return;
    replica.joined = true;
    this.outbox.push(
      writeJoin([{ room: replica.room, durableAck: true, stateVector: Y.encodeStateVector(replica.doc) }]),
    );
  }

  disconnect(): void {
    const session = this.session;
    this.drop();
    session?.handleClose(1006, 'network');
  }

  lag(): void {
    this.buffered = MAX_BUFFERED * 2;
  }

  drain(): void {
    this.buffered = 0;
    for (const waiter of this.drainWaiters.splice(0)) waiter();
  }

  deliverToServer(count: number): void {
    for (const frame of this.outbox.splice(0, count)) this.session?.handleFrame(frame);
  }

  deliverFromServer(count: number): void {
    for (const bytes of this.inbox.splice(0, count)) {
      const frame = readMuxFrame(bytes);
      if (frame.op !== 'message' && frame.op !== 'closed') continue;
      if (frame.room === REFUSED && this.index === 0) {
        if (frame.op === 'closed') this.refusals++;
        else this.refusedFrames++;
      }
      const replica = this.replicas.find((r) => r.room === frame.room);
      if (replica === undefined) continue;
      if (frame.op === 'closed') {
        replica.joined = false;
        continue;
      }
      if (frame.op !== 'message') continue;
      const reply = answerSync(frame.frame, replica.doc, replica);
      if (reply !== null && replica.joined) this.sendFor(replica.room, reply);
    }
  }

  private drop(): void {
    this.session = null;
    this.inbox = [];
    this.outbox = [];
    this.drainWaiters = [];
    for (const r of this.replicas) r.joined = false;
  }
}

async function simulate(seed: number, steps = 400): Promise<{ problems: string[]; trace: string[] }> {
  const random = seededRandom(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const clock = new FakeClock();
  const store = new MemoryDocStore(() => clock.now());
  let paused = 0;
  const core = new SyncCore({
    store,
    clock,
    metrics: { ...noopMetrics, readerPaused: () => paused++ },
    compactThreshold: 4,
    unloadDelayMs: 40,
    maxBufferedBytes: MAX_BUFFERED,
    batchWindowMs: seed % 2 === 0 ? 0 : 2,
  });
  const tabs = Array.from({ length: TABS }, (_, i) => new Tab(i, core));
  const problems: string[] = [];
  const trace: string[] = [];
  let edits = 0;

  const stored = async (room: string) => {
    const doc = new Y.Doc();
    for (const u of (await store.load(room)).updates) Y.applyUpdate(doc, u);
    return doc;
  };
  const checkReceived = async (label: string) => {
    for (const tab of tabs) {
      for (const r of tab.replicas) {
        if (r.received.length === 0) continue;
        const doc = await stored(r.room);
        for (const update of r.received.splice(0)) {
          if (missingStructs(doc, update) > 0)
            problems.push(`${label}: tab ${tab.index} ${r.room} received an update the store lacks`);
        }
      }
      if (tab.refusedFrames > 0)
        problems.push(`${label}: tab 0 received frames of a room its token does not cover`);
    }
  };
  const passTime = (ms: number) => passClockTime(clock, ms);

  for (const tab of tabs) tab.connect();
  for (let step = 0; step < steps; step++) {
    const tab = pick(tabs);
    const replica = pick(tab.replicas);
    const action = random();
    if (action < 0.22) {
      const text = replica.doc.getText('t');
      text.insert(Math.floor(random() * (text.length + 1)), `${tab.index}.${edits++};`);
      trace.push(`edit ${tab.index} ${replica.room}`);
    } else if (action < 0.45) tab.deliverToServer(1 + Math.floor(random() * 3));
    else if (action < 0.65) tab.deliverFromServer(1 + Math.floor(random() * 3));
    else if (action < 0.7) {
      if (tab.connected) tab.disconnect();
      else tab.connect();
      trace.push(`${tab.connected ? 'connect' : 'disconnect'} ${tab.index}`);
    } else if (action < 0.75) {
      if (replica.joined) tab.leave(replica);
      else tab.join(replica);
      trace.push(`${replica.joined ? 'join' : 'leave'} ${tab.index} ${replica.room}`);
    } else if (action < 0.8) {
      tab.lag();
      trace.push(`lag ${tab.index}`);
    } else if (action < 0.85) {
      tab.drain();
      trace.push(`drain ${tab.index}`);
    } else {
      await passTime(Math.floor(random() * 4));
    }
    await settle();
    await checkReceived(`step ${step}`);
  }

  // Heal: every tab connected, every room joined, sockets drained, until nothing moves.
  for (const tab of tabs) {
    if (!tab.connected) tab.connect();
    for (const r of tab.replicas) tab.join(r);
  }
  for (let round = 0; round < 400; round++) {
    for (const tab of tabs) {
      tab.drain();
      tab.deliverToServer(Number.POSITIVE_INFINITY);
      tab.deliverFromServer(Number.POSITIVE_INFINITY);
    }
    await passTime(5);
    const quiet = tabs.every(
      (t) => t.inbox.length === 0 && t.outbox.length === 0 && t.drainWaiters.length === 0,
    );
    if (quiet && round > 5 && clock.pending === 0) break;
  }
  await checkReceived('healing');
  for (const room of ROOMS) {
    const expected = core.rooms.get(room)?.doc.getText('t').toString() ?? '(not loaded)';
    for (const tab of tabs) {
      const replica = tab.replicas.find((r) => r.room === room)!;
      if (replica.doc.getText('t').toString() !== expected)
        problems.push(`tab ${tab.index} ${room} differs from the server`);
    }
    if ((await stored(room)).getText('t').toString() !== expected) problems.push(`stored ${room} differs`);
  }
  if (tabs[0]!.refusals === 0) problems.push('the room the token does not cover was never refused');
  if (core.rooms.get(REFUSED) !== undefined) problems.push('a refused room was loaded');
  if (paused === 0) problems.push('no room ever paused for a lagging shared socket');
  // Shutdown runs on the fake clock too: keep time moving until it is done.
  let stopped = false;
  const stopping = core.stop().then(() => {
    stopped = true;
  });
  for (let i = 0; i < 1_000 && !stopped; i++) await passTime(10);
  await stopping;
  return { problems, trace };
}

describe('seeded simulation of the core behind multiplexed sockets', () => {
  const seeds = Array.from({ length: 16 }, (_, i) => 3000 + i * 7919);
  it.each(seeds)(
    '[S14.2][S14.3][S14.5][S14.6][S2.1] seed %i: tabs, server and store converge',
    async (seed) => {
      const { problems, trace } = await simulate(seed);
      expect(problems, `seed ${seed}`).toEqual([]);
      expect(trace.length).toBeGreaterThan(50);
    },
  );

  it('[S11.1] a seed replays exactly', async () => {
    const first = await simulate(4242, 250);
    const second = await simulate(4242, 250);
    expect(second.trace).toEqual(first.trace);
  });
});
