/**
 * When a compaction's freed space is given back (S3.4): LevelDB compacts a room's range once the room
 * pauses, at the latest after a bound, and when the store closes; never while its updates keep coming.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { LevelDocStore } from '../../../sync-server/storage/level-doc-store';
import { roomRange } from '../../../sync-server/storage/level-keys';
import { type ReclaimTimers, SpaceReclaimer } from '../../../sync-server/storage/space-reclaimer';

/** A clock and timers that move only when the test says so. */
class ManualTime implements ReclaimTimers {
  now = 0;
  private timers = new Map<number, { fn: () => void; at: number }>();
  private nextId = 1;

  set(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { fn, at: this.now + ms });
    return id;
  }

  clear(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get armed(): number {
    return this.timers.size;
  }

  /** Moves the clock to `to`, running every timer due on the way, in time order. */
  advanceTo(to: number): void {
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= to).sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) break;
      const [id, timer] = due;
      this.timers.delete(id);
      this.now = timer.at;
      timer.fn();
    }
    this.now = to;
  }
}

function reclaimerWith(time: ManualTime, reclaimed: string[]): SpaceReclaimer {
  return new SpaceReclaimer({
    reclaim: async (room) => {
      reclaimed.push(`${room}@${time.now}`);
    },
    now: () => time.now,
    quietMs: 5_000,
    maxWaitMs: 60_000,
    timers: time,
  });
}

describe('SpaceReclaimer', () => {
  it('[S3.4] a compacted room is reclaimed once it has gone the quiet time without writes, not before', () => {
    const time = new ManualTime();
    const reclaimed: string[] = [];
    const reclaimer = reclaimerWith(time, reclaimed);
    reclaimer.compacted('board.a');
    // Writes every second for 20 s: never a 5 s pause.
    for (let t = 1_000; t <= 20_000; t += 1_000) {
      time.advanceTo(t);
      reclaimer.wrote('board.a');
    }
    expect(reclaimed).toEqual([]);
    expect(reclaimer.pending).toEqual(['board.a']);
    time.advanceTo(24_999);
    expect(reclaimed).toEqual([]);
    time.advanceTo(30_000);
    expect(reclaimed).toEqual(['board.a@25000']);
    expect(reclaimer.pending).toEqual([]);
    expect(time.armed).toBe(0);
  });

  it('[S3.4] a room that never pauses is reclaimed at the latest the longest wait after its compaction', () => {
    const time = new ManualTime();
    const reclaimed: string[] = [];
    const reclaimer = reclaimerWith(time, reclaimed);
    time.advanceTo(1_000);
    reclaimer.compacted('board.busy');
    for (let t = 1_500; t <= 120_000; t += 500) {
      time.advanceTo(t);
      reclaimer.wrote('board.busy');
      // A later compaction of the same room does not push its deadline back.
      if (t % 10_000 === 0) reclaimer.compacted('board.busy');
      if (reclaimed.length > 0) break;
    }
    expect(reclaimed).toEqual(['board.busy@61000']);
  });

  it('[S3.4] rooms are timed apart; a write to a room that is not waiting changes nothing', () => {
    const time = new ManualTime();
    const reclaimed: string[] = [];
    const reclaimer = reclaimerWith(time, reclaimed);
    reclaimer.wrote('board.none');
    reclaimer.compacted('board.a');
    time.advanceTo(3_000);
    reclaimer.compacted('board.b');
    time.advanceTo(4_000);
    reclaimer.wrote('board.a');
    time.advanceTo(8_000);
    expect(reclaimed).toEqual(['board.b@8000']);
    time.advanceTo(9_000);
    expect(reclaimed).toEqual(['board.b@8000', 'board.a@9000']);
    expect(reclaimer.pending).toEqual([]);
  });

  it('[S3.4] flush reclaims every waiting room at once and leaves no timer; a forgotten room is not reclaimed', async () => {
    const time = new ManualTime();
    const reclaimed: string[] = [];
    const reclaimer = reclaimerWith(time, reclaimed);
    reclaimer.compacted('board.a');
    reclaimer.compacted('board.b');
    reclaimer.compacted('board.gone');
    reclaimer.forget('board.gone');
    await reclaimer.flush();
    expect(reclaimed.sort()).toEqual(['board.a@0', 'board.b@0']);
    expect(time.armed).toBe(0);
    time.advanceTo(100_000);
    expect(reclaimed).toHaveLength(2);
  });

  it('[S3.4] flush waits for a reclaim the timer started, so the store does not close under it', async () => {
    const time = new ManualTime();
    let finish: () => void = () => {};
    const started: string[] = [];
    const reclaimer = new SpaceReclaimer({
      reclaim: (room) => {
        started.push(room);
        return new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
      now: () => time.now,
      quietMs: 5_000,
      maxWaitMs: 60_000,
      timers: time,
    });
    reclaimer.compacted('board.a');
    time.advanceTo(5_000);
    expect(started).toEqual(['board.a']);
    let flushed = false;
    const flushing = reclaimer.flush().then(() => {
      flushed = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(flushed).toBe(false);
    finish();
    await flushing;
    expect(flushed).toBe(true);
  });
});

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-reclaim-'));
  dirs.push(dir);
  return dir;
}

function typedUpdates(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getText('t').insert(doc.getText('t').length, `${i % 10}`);
  return updates;
}

function stateOf(updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return Y.encodeStateAsUpdate(doc);
}

async function textOf(store: LevelDocStore, room: string): Promise<string> {
  const doc = new Y.Doc();
  for (const update of (await store.load(room)).updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

/** Records the ranges LevelDB is asked to compact, and resolves `next` at each request. */
function watchCompactions() {
  const ranges: string[] = [];
  let wake: (() => void) | null = null;
  type CompactRange = (this: ClassicLevel<string, Uint8Array>, start: string, end: string) => Promise<void>;
  const original = ClassicLevel.prototype.compactRange as CompactRange;
  const watched: CompactRange = function (start, end) {
    ranges.push(`${start}..${end}`);
    wake?.();
    return original.call(this, start, end);
  };
  vi.spyOn(ClassicLevel.prototype, 'compactRange').mockImplementation(
    watched as typeof ClassicLevel.prototype.compactRange,
  );
  return {
    ranges,
    next: () => new Promise<void>((resolve) => (wake = resolve)),
  };
}

describe('LevelDocStore reclaims a compaction’s space once the room pauses', () => {
  it('[S3.4] compactions of a room whose appends keep coming leave its range to LevelDB; closing the store compacts it, and the content is whole', async () => {
    const dir = await tempDir();
    const compactions = watchCompactions();
    const store = await LevelDocStore.open(dir, { reclaimQuietMs: 60_000, reclaimMaxWaitMs: 600_000 });
    const room = 'board.busy';
    const updates = typedUpdates(1_200);
    // Three compactions, each after 400 appends, as the write pipeline issues them.
    for (let i = 0; i < updates.length; i++) {
      await store.append(room, updates[i]!);
      if ((i + 1) % 400 === 0) await store.replace(room, stateOf(updates.slice(0, i + 1)));
    }
    expect(compactions.ranges).toEqual([]);
    await store.close();
    const { gt, lt } = roomRange(room);
    expect(compactions.ranges).toEqual([`${gt}..${lt}`]);

    const reopened = await LevelDocStore.open(dir);
    expect((await textOf(reopened, room)).length).toBe(1_200);
    expect((await reopened.load(room)).updates).toHaveLength(1);
    await reopened.close();
  });

  it('[S3.4] a room that pauses after its compaction has its range compacted then, without waiting for close', async () => {
    const dir = await tempDir();
    const compactions = watchCompactions();
    const store = await LevelDocStore.open(dir, { reclaimQuietMs: 20, reclaimMaxWaitMs: 60_000 });
    const room = 'board.pausing';
    const updates = typedUpdates(10);
    for (const update of updates) await store.append(room, update);
    const compacted = compactions.next();
    await store.replace(room, stateOf(updates));
    await compacted;
    const { gt, lt } = roomRange(room);
    expect(compactions.ranges).toEqual([`${gt}..${lt}`]);
    await store.close();
    // Nothing was left waiting for close.
    expect(compactions.ranges).toHaveLength(1);
  });

  it('[S3.4][S12.2] deleting a room compacts its range at once and it is not compacted again later', async () => {
    const dir = await tempDir();
    const compactions = watchCompactions();
    const store = await LevelDocStore.open(dir, { reclaimQuietMs: 60_000 });
    const room = 'board.deleted';
    const updates = typedUpdates(10);
    for (const update of updates) await store.append(room, update);
    await store.replace(room, stateOf(updates));
    expect(compactions.ranges).toEqual([]);
    await store.delete(room);
    const { gt, lt } = roomRange(room);
    const ofRoom = () => compactions.ranges.filter((range) => range === `${gt}..${lt}`);
    expect(ofRoom()).toHaveLength(1);
    await store.close();
    expect(ofRoom()).toHaveLength(1);
  });
});
