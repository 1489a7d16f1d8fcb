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
import { SpaceReclaimer } from '../../../sync-server/storage/space-reclaimer';
import { FakeClock } from '../../support/fake-clock';

/** Moves `clock` to `at`, running every timer due on the way. */
function advanceTo(clock: FakeClock, at: number): void {
  clock.advance(at - clock.now());
}

/** A reclaimer on `clock` that notes each reclaim as `room@time`; `reclaim` replaces what it does. */
function reclaimerWith(
  clock: FakeClock,
  reclaimed: string[],
  reclaim: (room: string) => Promise<void> = async () => {},
): SpaceReclaimer {
  return new SpaceReclaimer({
    reclaim: (room) => {
      reclaimed.push(`${room}@${clock.now()}`);
      return reclaim(room);
    },
    clock,
    quietMs: 5_000,
    maxWaitMs: 60_000,
  });
}

describe('SpaceReclaimer', () => {
  it('[S3.4] a compacted room is reclaimed once it has gone the quiet time without writes, not before', () => {
    const clock = new FakeClock();
    const reclaimed: string[] = [];
    const reclaimer = reclaimerWith(clock, reclaimed);
    reclaimer.compacted('board.a');
    // Writes every second for 20 s: never a 5 s pause.
    for (let t = 1_000; t <= 20_000; t += 1_000) {
      advanceTo(clock, t);
      reclaimer.wrote('board.a');
    }
    expect(reclaimed).toEqual([]);
    expect(reclaimer.pending).toEqual(['board.a']);
    advanceTo(clock, 24_999);
    expect(reclaimed).toEqual([]);
    advanceTo(clock, 30_000);
    expect(reclaimed).toEqual(['board.a@25000']);
    expect(reclaimer.pending).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('[S3.4] a room that never pauses is reclaimed at the latest the longest wait after its compaction', () => {
    const clock = new FakeClock();
    const reclaimed: string[] = [];
    const reclaimer = reclaimerWith(clock, reclaimed);
    advanceTo(clock, 1_000);
    reclaimer.compacted('board.busy');
    for (let t = 1_500; t <= 120_000; t += 500) {
      advanceTo(clock, t);
      reclaimer.wrote('board.busy');
      // A later compaction of the same room does not push its deadline back.
      if (t % 10_000 === 0) reclaimer.compacted('board.busy');
      if (reclaimed.length > 0) break;
    }
    expect(reclaimed).toEqual(['board.busy@61000']);
  });

  it('[S3.4] rooms are timed apart; a write to a room that is not waiting changes nothing', () => {
    const clock = new FakeClock();
    const reclaimed: string[] = [];
    const reclaimer = reclaimerWith(clock, reclaimed);
    reclaimer.wrote('board.none');
    reclaimer.compacted('board.a');
    advanceTo(clock, 3_000);
    reclaimer.compacted('board.b');
    advanceTo(clock, 4_000);
    reclaimer.wrote('board.a');
    advanceTo(clock, 8_000);
    expect(reclaimed).toEqual(['board.b@8000']);
    advanceTo(clock, 9_000);
    expect(reclaimed).toEqual(['board.b@8000', 'board.a@9000']);
    expect(reclaimer.pending).toEqual([]);
  });

  it('[S3.4] flush reclaims every waiting room at once and leaves no timer; a room reclaimed at once (deleted) is not reclaimed again', async () => {
    const clock = new FakeClock();
    const reclaimed: string[] = [];
    const reclaimer = reclaimerWith(clock, reclaimed);
    reclaimer.compacted('board.a');
    reclaimer.compacted('board.b');
    reclaimer.compacted('board.gone');
    reclaimer.reclaimNow('board.gone');
    expect(reclaimed).toEqual(['board.gone@0']);
    await reclaimer.flush();
    expect(reclaimed.sort()).toEqual(['board.a@0', 'board.b@0', 'board.gone@0']);
    expect(clock.pending).toBe(0);
    advanceTo(clock, 100_000);
    expect(reclaimed).toHaveLength(3);
  });

  it('[S3.4] flush waits for a reclaim the timer started, so the store does not close under it', async () => {
    const clock = new FakeClock();
    let finish: () => void = () => {};
    const started: string[] = [];
    const reclaimer = reclaimerWith(clock, started, () => new Promise<void>((resolve) => (finish = resolve)));
    reclaimer.compacted('board.a');
    advanceTo(clock, 5_000);
    expect(started).toEqual(['board.a@5000']);
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
