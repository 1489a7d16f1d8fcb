import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocStore, HistoryLog } from '../../../sync-server/core/doc-store';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import { LevelDocStore } from '../../../sync-server/storage/level-doc-store';
import {
  openScaleOutStoreForContract,
  sharedScaleOutServices,
  stopSharedScaleOutServices,
} from '../../integration/support/scaleout-services';

/** One contract, run against every DocStore implementation. */
const implementations: Array<{
  name: string;
  /** `now`: the clock that stamps writes and history segments (default Date.now). */
  open: (now?: () => number) => Promise<{ store: DocStore; reopen?: () => Promise<DocStore> }>;
}> = [
  { name: 'MemoryDocStore', open: async (now) => ({ store: new MemoryDocStore(now) }) },
  {
    name: 'LevelDocStore',
    open: async (now) => {
      const dir = await mkdtemp(join(tmpdir(), 'trellis-store-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const store = await LevelDocStore.open(dir, now ? { now } : {});
      return {
        store,
        reopen: async () => {
          await store.close();
          return LevelDocStore.open(dir, now ? { now } : {});
        },
      };
    },
  },
  {
    // Without the append journal: a synced LevelDB write is the durable point.
    name: 'LevelDocStore (fsync)',
    open: async (now) => {
      const dir = await mkdtemp(join(tmpdir(), 'trellis-store-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const options = { fsync: true, ...(now ? { now } : {}) };
      const store = await LevelDocStore.open(dir, options);
      return {
        store,
        reopen: async () => {
          await store.close();
          return LevelDocStore.open(dir, options);
        },
      };
    },
  },
  // Scale-out: starts redis-server and postgres; fails (never skips) when they are missing.
  { name: 'RedisDocStore', open: (now) => openScaleOutStoreForContract(now ? { now } : {}) },
];
// Starting redis-server and postgres takes longer than one test's timeout.
beforeAll(() => sharedScaleOutServices().then(() => undefined), 60_000);
afterAll(stopSharedScaleOutServices);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function update(text: string, doc = new Y.Doc()): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(doc.getText('t').length, text);
  return Y.encodeStateAsUpdate(doc, before);
}

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc.getText('t').toString();
}

for (const impl of implementations) {
  describe(`DocStore contract: ${impl.name}`, () => {
    it('an unknown room loads as empty', async () => {
      const { store } = await impl.open();
      expect((await store.load('nothing-here')).updates).toEqual([]);
      await store.close();
    });

    it('appended updates load back in order', async () => {
      const { store } = await impl.open();
      const doc = new Y.Doc();
      for (let i = 0; i < 20; i++) await store.append('r', update(`${i};`, doc));
      const { updates } = await store.load('r');
      expect(updates).toHaveLength(20);
      expect(textOf(updates)).toBe(doc.getText('t').toString());
      await store.close();
    });

    it('rooms do not see each other, even with names that are prefixes of one another', async () => {
      const { store } = await impl.open();
      await store.append('board.a', update('A'));
      await store.append('board.a.card.b', update('B'));
      await store.append('board.ab', update('C'));
      expect(textOf((await store.load('board.a')).updates)).toBe('A');
      expect(textOf((await store.load('board.a.card.b')).updates)).toBe('B');
      expect(textOf((await store.load('board.ab')).updates)).toBe('C');
      await store.close();
    });

    it('replace swaps the whole log for one entry and later appends follow it', async () => {
      const { store } = await impl.open();
      const doc = new Y.Doc();
      for (let i = 0; i < 5; i++) await store.append('r', update(`${i};`, doc));
      await store.replace('r', Y.encodeStateAsUpdate(doc));
      await store.append('r', update('after;', doc));
      const { updates } = await store.load('r');
      expect(updates).toHaveLength(2);
      expect(textOf(updates)).toBe('0;1;2;3;4;after;');
      await store.close();
    });

    it('[S3.2] appends issued together all land, in the order they were issued', async () => {
      const { store } = await impl.open();
      const doc = new Y.Doc();
      const updates = Array.from({ length: 30 }, (_, i) => update(`${i};`, doc));
      // Not awaited one by one: a room's first appends race for its sequence numbers.
      await Promise.all(updates.map((u) => store.append('fresh', u)));
      const loaded = (await store.load('fresh')).updates;
      expect(loaded).toHaveLength(30);
      expect(textOf(loaded)).toBe(doc.getText('t').toString());
      await store.close();
    });

    it('[S3.2] a replace keeps every append issued after it, even while it is still running', async () => {
      const { store } = await impl.open();
      const doc = new Y.Doc();
      for (let i = 0; i < 10; i++) await store.append('r', update(`${i};`, doc));
      const snapshot = Y.encodeStateAsUpdate(doc);
      const later = Array.from({ length: 10 }, (_, i) => update(`later${i};`, doc));
      await Promise.all([store.replace('r', snapshot), ...later.map((u) => store.append('r', u))]);
      expect(textOf((await store.load('r')).updates)).toBe(doc.getText('t').toString());
      await store.close();
    });

    it('list reports each room with entries, bytes and last change', async () => {
      const { store } = await impl.open();
      const u = update('hello');
      await store.append('r1', u);
      await store.append('r1', update('x'));
      await store.append('r2', u);
      const rooms = (await store.list()).sort((a, b) => a.room.localeCompare(b.room));
      expect(rooms.map((r) => [r.room, r.entries])).toEqual([
        ['r1', 2],
        ['r2', 1],
      ]);
      expect(rooms[1]!.bytes).toBe(u.byteLength);
      expect(rooms[0]!.updatedAt).toBeGreaterThan(0);
      await store.close();
    });

    it('[S12.2] delete removes a room: it loads empty and leaves the list; rooms sharing its prefix stay', async () => {
      const { store } = await impl.open();
      const doc = new Y.Doc();
      for (let i = 0; i < 3; i++) await store.append('board.a', update(`${i};`, doc));
      await store.replace('board.a', Y.encodeStateAsUpdate(doc));
      await store.append('board.a', update('more', doc));
      await store.append('board.a.card.b', update('B'));
      await store.append('board.ab', update('C'));
      await store.delete('board.a');
      expect((await store.load('board.a')).updates).toEqual([]);
      expect((await store.list()).map((r) => r.room).sort()).toEqual(['board.a.card.b', 'board.ab']);
      expect(textOf((await store.load('board.a.card.b')).updates)).toBe('B');
      expect(textOf((await store.load('board.ab')).updates)).toBe('C');
      await store.delete('never-stored');
      await store.close();
    });

    it('[S12.2] a delete issued after writes removes them too; a room written again holds only the new writes', async () => {
      const { store } = await impl.open();
      const doc = new Y.Doc();
      // Not awaited: the delete is issued while the appends are still running.
      const appends = Array.from({ length: 10 }, (_, i) => store.append('r', update(`${i};`, doc)));
      await Promise.all([...appends, store.delete('r')]);
      expect((await store.load('r')).updates).toEqual([]);
      await store.append('r', update('fresh', new Y.Doc()));
      const { updates } = await store.load('r');
      expect(updates).toHaveLength(1);
      expect(textOf(updates)).toBe('fresh');
      expect((await store.list()).map((r) => [r.room, r.entries])).toEqual([['r', 1]]);
      await store.close();
    });

    it('[S12.2] a deleted room stays deleted after closing and reopening', async () => {
      const { store, reopen } = await impl.open();
      if (!reopen) return expect(store).toBeInstanceOf(MemoryDocStore);
      await store.append('gone', update('x'));
      await store.append('kept', update('y'));
      await store.delete('gone');
      const again = await reopen();
      expect((await again.load('gone')).updates).toEqual([]);
      expect((await again.list()).map((r) => r.room)).toEqual(['kept']);
      await again.close();
    });

    it('what was written survives closing and reopening', async () => {
      const { store, reopen } = await impl.open();
      if (!reopen) return expect(store).toBeInstanceOf(MemoryDocStore); // memory has nothing to reopen
      const doc = new Y.Doc();
      await store.append('r', update('kept', doc));
      const again = await reopen();
      expect(textOf((await again.load('r')).updates)).toBe('kept');
      await again.append('r', update('+more', doc));
      expect(textOf((await again.load('r')).updates)).toBe('kept+more');
      await again.close();
    });
  });
}

/** A clock the history tests set by hand. */
function manualClock(start: number): { now: () => number; set(time: number): void } {
  let time = start;
  return { now: () => time, set: (next) => (time = next) };
}

function historyOf(store: DocStore): HistoryLog {
  if (!store.history) throw new Error('this store keeps no history');
  return store.history;
}

for (const impl of implementations) {
  describe(`DocStore history contract: ${impl.name}`, () => {
    it('[S13.1] every append is kept with the time the store took it, oldest first', async () => {
      const clock = manualClock(1_000);
      const { store } = await impl.open(clock.now);
      const doc = new Y.Doc();
      const first = update('a', doc);
      await store.append('r', first);
      clock.set(2_000);
      await store.append('r', update('b', doc));
      await store.append('r', update('c', doc));
      const segments = await historyOf(store).segments('r');
      expect(segments.map((s) => s.time)).toEqual([1_000, 2_000, 2_000]);
      expect(segments[0]!.bytes).toBe(first.byteLength);
      expect(new Set(segments.map((s) => s.id)).size).toBe(3);
      expect((await historyOf(store).read('r', 1_999)).map((e) => textOf([e.update]))).toEqual(['a']);
      expect(textOf((await historyOf(store).read('r', 2_000)).map((e) => e.update))).toBe('abc');
      expect(await historyOf(store).read('r', 999)).toEqual([]);
      expect(await historyOf(store).segments('unknown')).toEqual([]);
      await store.close();
    });

    it('[S13.1] a segment is never stamped before the one before it, even when the clock goes back', async () => {
      const clock = manualClock(5_000);
      const { store } = await impl.open(clock.now);
      const doc = new Y.Doc();
      await store.append('r', update('a', doc));
      clock.set(3_000);
      await store.append('r', update('b', doc));
      expect((await historyOf(store).segments('r')).map((s) => s.time)).toEqual([5_000, 5_000]);
      await store.close();
    });

    it('[S13.1][S3.2] a compaction leaves the history whole, and appends after it follow', async () => {
      const clock = manualClock(10_000);
      const { store } = await impl.open(clock.now);
      const doc = new Y.Doc();
      for (let i = 0; i < 5; i++) {
        clock.set(10_000 + i);
        await store.append('r', update(`${i};`, doc));
      }
      await store.replace('r', Y.encodeStateAsUpdate(doc));
      clock.set(20_000);
      await store.append('r', update('after;', doc));
      const segments = await historyOf(store).segments('r');
      expect(segments.map((s) => s.time)).toEqual([10_000, 10_001, 10_002, 10_003, 10_004, 20_000]);
      expect(textOf((await historyOf(store).read('r', 10_002)).map((e) => e.update))).toBe('0;1;2;');
      expect(textOf((await historyOf(store).read('r', 20_000)).map((e) => e.update))).toBe(
        '0;1;2;3;4;after;',
      );
      await store.close();
    });

    it('[S13.1] a room first written by a replace (a restore) starts its history with that state', async () => {
      const clock = manualClock(7_000);
      const { store } = await impl.open(clock.now);
      const doc = new Y.Doc();
      update('restored', doc);
      await store.replace('r', Y.encodeStateAsUpdate(doc));
      const entries = await historyOf(store).read('r', 7_000);
      expect(entries.map((e) => e.time)).toEqual([7_000]);
      expect(textOf(entries.map((e) => e.update))).toBe('restored');
      await store.close();
    });

    it('[S13.3] merge replaces runs of segments by one, atomically, and refuses segments that are gone', async () => {
      const clock = manualClock(1_000);
      const { store } = await impl.open(clock.now);
      const doc = new Y.Doc();
      for (let i = 0; i < 5; i++) {
        clock.set(1_000 * (i + 1));
        await store.append('r', update(`${i};`, doc));
      }
      // What is still in the live log (LevelDB) or the stream (scaled out) cannot merge: a
      // compaction moves it into the history first.
      await store.replace('r', Y.encodeStateAsUpdate(doc));
      const history = historyOf(store);
      const before = await history.segments('r');
      expect(before.every((s) => s.mergeable)).toBe(true);
      const entries = await history.read('r', 5_000);
      const run = (from: number, to: number) => ({
        ids: before.slice(from, to).map((s) => s.id),
        time: before[to - 1]!.time,
        update: Y.mergeUpdates(entries.slice(from, to).map((e) => e.update)),
      });
      expect(await history.merge('r', [run(0, 2), run(2, 4)])).toBe(true);
      const after = await history.segments('r');
      expect(after.map((s) => s.time)).toEqual([2_000, 4_000, 5_000]);
      expect(textOf((await history.read('r', 2_000)).map((e) => e.update))).toBe('0;1;');
      expect(textOf((await history.read('r', 5_000)).map((e) => e.update))).toBe('0;1;2;3;4;');
      // The ids merged away are gone: a pass working from the old listing changes nothing.
      expect(await history.merge('r', [run(0, 2)])).toBe(false);
      expect((await history.segments('r')).map((s) => s.id)).toEqual(after.map((s) => s.id));
      await store.close();
    });

    it('[S12.2][S13.6] delete removes the history; a room written again starts a new one', async () => {
      const clock = manualClock(1_000);
      const { store } = await impl.open(clock.now);
      const doc = new Y.Doc();
      for (let i = 0; i < 3; i++) await store.append('board.a', update(`${i};`, doc));
      await store.replace('board.a', Y.encodeStateAsUpdate(doc));
      await store.append('board.a', update('more', doc));
      await store.append('board.ab', update('kept'));
      await store.delete('board.a');
      expect(await historyOf(store).segments('board.a')).toEqual([]);
      expect(await historyOf(store).read('board.a', 1_000)).toEqual([]);
      expect(await historyOf(store).segments('board.ab')).toHaveLength(1);
      clock.set(2_000);
      await store.append('board.a', update('fresh', new Y.Doc()));
      const entries = await historyOf(store).read('board.a', 2_000);
      expect(entries.map((e) => e.time)).toEqual([2_000]);
      expect(textOf(entries.map((e) => e.update))).toBe('fresh');
      await store.close();
    });

    it('[S13.1] the history survives closing and reopening', async () => {
      const clock = manualClock(1_000);
      const { store, reopen } = await impl.open(clock.now);
      if (!reopen) return expect(store).toBeInstanceOf(MemoryDocStore);
      const doc = new Y.Doc();
      await store.append('r', update('one;', doc));
      clock.set(2_000);
      await store.append('r', update('two;', doc));
      const before = await historyOf(store).segments('r');
      const again = await reopen();
      expect(await historyOf(again).segments('r')).toEqual(before);
      expect(textOf((await historyOf(again).read('r', 2_000)).map((e) => e.update))).toBe('one;two;');
      await again.close();
    });
  });
}
