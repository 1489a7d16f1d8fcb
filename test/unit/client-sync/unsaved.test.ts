import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import {
  indexedDbPendingStore,
  memoryPendingStore,
  type PendingRecord,
  type PendingStore,
} from '../../../client/sync/pending-store';
import { UnsavedDocuments } from '../../../client/sync/unsaved';

let dbCounter = 0;
const freshDbName = () => `trellis-pending-test-${process.pid}-${++dbCounter}`;

/** A clock that moves one millisecond per reading, so records are ordered by when they were noted. */
function steppingClock(start = 1_000): () => number {
  let now = start;
  return () => now++;
}

describe('the record of documents with unsaved changes', () => {
  it('survives a reload (a new instance on the same IndexedDB database), oldest first', async () => {
    const name = freshDbName();
    const first = new UnsavedDocuments(indexedDbPendingStore(name), steppingClock());
    await first.whenLoaded();
    first.note('board.b.card.two', 1);
    first.note('board.b', 2);
    first.note('board.b.card.one', 1);
    first.note('board.b.card.two', 3);
    first.clear('board.b.card.one');
    await first.whenWritten();

    const reloaded = new UnsavedDocuments(indexedDbPendingStore(name));
    expect(reloaded.rooms()).toEqual([]);
    await reloaded.whenLoaded();
    expect(reloaded.rooms()).toEqual(['board.b.card.two', 'board.b']);
    expect(reloaded.get('board.b.card.two')).toMatchObject({ changes: 3, since: 1_000 });
    expect(reloaded.has('board.b.card.one')).toBe(false);
  });

  it('what this page noted or cleared before the stored records were read wins over them', async () => {
    let release: (records: PendingRecord[]) => void = () => {};
    const stored = memoryPendingStore([
      { room: 'cleared-early', changes: 1, since: 1 },
      { room: 'noted-early', changes: 1, since: 2 },
      { room: 'untouched', changes: 4, since: 3 },
    ]);
    const slow: PendingStore = {
      ...stored,
      loadAll: () => new Promise((resolve) => (release = resolve)),
    };
    const unsaved = new UnsavedDocuments(slow, () => 50);
    unsaved.clear('cleared-early');
    unsaved.note('noted-early', 7);
    release(await stored.loadAll());
    await unsaved.whenLoaded();
    await unsaved.whenWritten();
    expect(unsaved.rooms()).toEqual(['untouched', 'noted-early']);
    expect(unsaved.get('noted-early')?.changes).toBe(7);
    expect([...stored.records.keys()].sort()).toEqual(['noted-early', 'untouched']);
  });

  it('writes the latest state per room, one write at a time, and tells listeners of every change', async () => {
    const store = memoryPendingStore();
    const puts: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const counting: PendingStore = {
      ...store,
      async put(record) {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        puts.push(record.changes);
        await store.put(record);
        inFlight -= 1;
      },
    };
    const unsaved = new UnsavedDocuments(counting);
    await unsaved.whenLoaded();
    const changes = vi.fn();
    unsaved.onChange(changes);
    for (let count = 1; count <= 50; count += 1) unsaved.note('room', count);
    await unsaved.whenWritten();
    expect(store.records.get('room')?.changes).toBe(50);
    expect(puts.length).toBeLessThan(50);
    expect(mostInFlight).toBe(1);
    expect(changes).toHaveBeenCalledTimes(50);
    unsaved.note('room', 50);
    expect(changes).toHaveBeenCalledTimes(50);
  });

  it('a store that fails costs only the reload: this page still knows what is unsaved', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const broken: PendingStore = {
      loadAll: () => Promise.reject(new Error('quota')),
      put: () => Promise.reject(new Error('quota')),
      delete: () => Promise.reject(new Error('quota')),
    };
    const unsaved = new UnsavedDocuments(broken);
    await unsaved.whenLoaded();
    unsaved.note('room', 1);
    await unsaved.whenWritten();
    expect(unsaved.rooms()).toEqual(['room']);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
