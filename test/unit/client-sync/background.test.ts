import { describe, expect, it } from 'vitest';
import { BackgroundSync, type QueuedDocument } from '../../../client/sync/background';
import { manualNetwork } from '../../../client/sync/network';

/** A document the test settles or refuses by hand; `connected` follows suspend/resume. */
class FakeDocument implements QueuedDocument {
  settled = false;
  refused = false;
  connected = true;
  private readonly listeners = new Set<() => void>();
  constructor(readonly room: string) {}
  isSettled = () => this.settled;
  isRefused = () => this.refused;
  suspend() {
    this.connected = false;
  }
  resume() {
    this.connected = true;
  }
  onStatus(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  settle() {
    this.settled = true;
    for (const listener of [...this.listeners]) listener();
  }
  refuse() {
    this.refused = true;
    for (const listener of [...this.listeners]) listener();
  }
}

function setup(options: { slots?: number; online?: boolean; recorded?: string[] } = {}) {
  const network = manualNetwork(options.online ?? true);
  const recorded = [...(options.recorded ?? [])];
  const recordListeners = new Set<() => void>();
  const docs = new Map<string, FakeDocument>();
  const openInUi = new Set<string>();
  const loaded: string[] = [];
  const finished: Array<[string, boolean]> = [];
  const queue = new BackgroundSync<FakeDocument>({
    maxActive: options.slots ?? 3,
    network,
    recorded: () => recorded,
    onRecordedChange: (listener) => {
      recordListeners.add(listener);
      return () => recordListeners.delete(listener);
    },
    isOpenInUi: (room) => openInUi.has(room),
    load(room) {
      loaded.push(room);
      const doc = docs.get(room) ?? new FakeDocument(room);
      docs.set(room, doc);
      return doc;
    },
    finish(doc, settled) {
      finished.push([doc.room, settled]);
      // As the registry does: a settled document leaves the record.
      const index = recorded.indexOf(doc.room);
      if (settled && index >= 0) {
        recorded.splice(index, 1);
        for (const listener of [...recordListeners]) listener();
      }
    },
  });
  return {
    queue,
    network,
    recorded,
    docs,
    openInUi,
    loaded,
    finished,
    doc: (room: string) => docs.get(room),
  };
}

const rooms = (count: number) => Array.from({ length: count }, (_, i) => `board.b.card.c${i}`);

describe('background sync of documents nothing has open', () => {
  it('connects at most maxActive recorded documents at once, the oldest first, until each is stored', () => {
    const all = rooms(10);
    const t = setup({ slots: 3, recorded: all });
    t.queue.pump();
    expect(t.queue.activeRooms()).toEqual(all.slice(0, 3));
    for (let step = 0; step < all.length; step += 1) {
      const active = t.queue.activeRooms();
      expect(active.length).toBeLessThanOrEqual(3);
      t.doc(active[0] as string)?.settle();
    }
    expect(t.loaded).toEqual(all);
    expect(t.finished).toEqual(all.map((room) => [room, true]));
    expect(t.queue.activeRooms()).toEqual([]);
  });

  it('opens nothing without a network, and starts when it returns', () => {
    const t = setup({ online: false, recorded: rooms(2) });
    t.queue.pump();
    expect(t.loaded).toEqual([]);
    t.network.set(true);
    expect(t.queue.activeRooms()).toEqual(rooms(2));
  });

  it('a document the UI let go of is held (parked, not connected, past the limit) until it is stored', () => {
    const t = setup({ slots: 2 });
    const closed = rooms(4).map((room) => new FakeDocument(room));
    for (const doc of closed) t.queue.adopt(doc);
    expect(t.queue.activeRooms()).toEqual(rooms(2));
    expect(t.queue.parkedRooms()).toEqual(rooms(4).slice(2));
    expect(closed.map((doc) => doc.connected)).toEqual([true, true, false, false]);
    expect(t.finished).toEqual([]);

    closed[0]?.settle();
    expect(t.finished).toEqual([[closed[0]?.room, true]]);
    expect(closed[2]?.connected).toBe(true);
    expect(t.queue.activeRooms()).toEqual([closed[1]?.room, closed[2]?.room]);
  });

  it('a room the UI opens again leaves the queue and frees its slot', () => {
    const t = setup({ slots: 1 });
    const [first, second] = [new FakeDocument('a'), new FakeDocument('b')];
    t.queue.adopt(first);
    t.queue.adopt(second);
    expect(second.connected).toBe(false);
    t.openInUi.add('a');
    expect(t.queue.take('a')).toBe(first);
    expect(t.queue.holds('a')).toBe(false);
    expect(second.connected).toBe(true);
    expect(t.queue.activeRooms()).toEqual(['b']);
    // It syncs by itself while open: the queue does not load it again.
    first.settle();
    expect(t.finished).toEqual([]);
  });

  it('a refused document is let go and not retried in this page; its record stays', () => {
    const t = setup({ slots: 1, recorded: ['denied', 'fine'] });
    t.queue.pump();
    t.doc('denied')?.refuse();
    expect(t.finished).toEqual([['denied', false]]);
    expect(t.queue.activeRooms()).toEqual(['fine']);
    t.doc('fine')?.settle();
    t.queue.pump();
    expect(t.loaded).toEqual(['denied', 'fine']);
    expect(t.recorded).toEqual(['denied']);
  });

  it('skips recorded rooms the UI has open (they sync by themselves)', () => {
    const t = setup({ recorded: ['open', 'closed'] });
    t.openInUi.add('open');
    t.queue.pump();
    expect(t.loaded).toEqual(['closed']);
  });
});
