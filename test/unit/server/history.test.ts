/**
 * The history policy (retention tiers, which versions are kept, what thinning merges), version
 * times, and the history service over a store (S13.2, S13.3).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryDocStore } from '../../../sync-server/core/memory-doc-store';
import { type Clock, silentLogger } from '../../../sync-server/core/ports';
import { History } from '../../../sync-server/history/history';
import {
  DEFAULT_HISTORY_TIERS,
  DEFAULT_HISTORY_TIERS_TEXT,
  formatHistoryTiers,
  groupSegments,
  HistoryPolicyError,
  parseHistoryTiers,
  resolveVersion,
  thinningPlan,
  versionsOf,
} from '../../../sync-server/history/policy';
import { parseVersionTime } from '../../../sync-server/history/version-time';
import { LevelDocStore } from '../../../sync-server/storage/level-doc-store';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A clock the tests set; no timers (the thinning pass is called directly). */
function manualClock(start: number): Clock & { set(time: number): void } {
  let time = start;
  return {
    now: () => time,
    monotonic: () => time,
    setTimeout: () => null,
    clearTimeout: () => {},
    afterIo: (fn) => fn(),
    set: (next) => {
      time = next;
    },
  };
}

describe('retention tiers', () => {
  it('parse the default, round-trip through their text, and `off` keeps nothing', () => {
    expect(parseHistoryTiers(DEFAULT_HISTORY_TIERS_TEXT)).toEqual(DEFAULT_HISTORY_TIERS);
    expect(formatHistoryTiers(DEFAULT_HISTORY_TIERS)).toBe('24h:all,30d:1h,365d:1d');
    expect(parseHistoryTiers(' 2h:all , 7d:15m , 8w:1d ')).toEqual([
      { keepMs: 2 * HOUR, everyMs: 0 },
      { keepMs: 7 * DAY, everyMs: 15 * MINUTE },
      { keepMs: 56 * DAY, everyMs: DAY },
    ]);
    expect(parseHistoryTiers('off')).toBeNull();
    expect(formatHistoryTiers(null)).toBe('off');
  });

  it.each([
    ['', 'expected <keep>:<every>'],
    ['24h', 'expected <keep>:<every>'],
    ['24h:all:x', 'expected <keep>:<every>'],
    ['24x:all', 'expected a number and a unit'],
    ['24h:1d', 'one version per 1d kept for only 1d'],
    ['30d:1h,24h:all', 'must keep longer than tier 1'],
    ['24h:1h,30d:all', 'keeps versions more often than the younger tier 1'],
    ['0h:all', 'keeps nothing'],
  ])('refuse %j (%s)', (text, message) => {
    expect(() => parseHistoryTiers(text)).toThrow(HistoryPolicyError);
    expect(() => parseHistoryTiers(text)).toThrow(message);
  });
});

describe('which versions are kept', () => {
  const now = Date.UTC(2026, 5, 15, 12, 0);
  const at = (ms: number, bytes = 10) => ({ time: now - ms, bytes, mergeable: true });

  it('[S13.2] every change of the last day, the last of each UTC hour for 30 days, of each UTC day for a year; nothing older', () => {
    const segments = [
      at(400 * DAY),
      at(200 * DAY + 5 * HOUR),
      at(200 * DAY + 1 * HOUR),
      at(10 * DAY + 40 * MINUTE),
      at(10 * DAY + 20 * MINUTE),
      at(10 * DAY),
      at(3 * HOUR),
      at(3 * HOUR - 1),
      at(3 * HOUR - 1),
      at(0),
    ];
    const versions = versionsOf(segments, now, DEFAULT_HISTORY_TIERS);
    expect(versions.map((v) => [now - v.time, v.tier, v.size])).toEqual([
      [200 * DAY + 1 * HOUR, '1d', 20],
      [10 * DAY + 20 * MINUTE, '1h', 20],
      [10 * DAY, '1h', 10],
      [3 * HOUR, 'change', 10],
      // Two updates stored in one millisecond are one version.
      [3 * HOUR - 1, 'change', 20],
      [0, 'change', 10],
    ]);
    expect(resolveVersion(versions, now - 5 * HOUR)?.time).toBe(now - 10 * DAY);
    expect(resolveVersion(versions, now - 300 * DAY)).toBeNull();
    expect(resolveVersion(versions, now + DAY)?.time).toBe(now);
    const plan = thinningPlan(segments, now, DEFAULT_HISTORY_TIERS);
    expect(plan.map((g) => [g.tier, g.segments.length])).toEqual([
      [2, 2],
      [1, 2],
      [0, 2],
    ]);
  });

  it('[S13.2] a period straddling a tier’s age limit splits there; a group with a segment that cannot merge yet waits', () => {
    // 23:30 and 24:30 hours old fall in one UTC hour but in two tiers.
    const hour = Math.floor((now - 24 * HOUR) / HOUR) * HOUR;
    const segments = [
      { time: hour + 10 * MINUTE, bytes: 1, mergeable: true },
      { time: hour + 20 * MINUTE, bytes: 1, mergeable: true },
      { time: hour + 50 * MINUTE, bytes: 1, mergeable: false },
    ];
    const groups = groupSegments(segments, hour + 24 * HOUR + 30 * MINUTE, DEFAULT_HISTORY_TIERS);
    expect(groups.map((g) => [g.tier, g.segments.length])).toEqual([
      [1, 2],
      [0, 1],
    ]);
    expect(thinningPlan(segments, hour + 25 * HOUR, DEFAULT_HISTORY_TIERS)).toEqual([]);
  });
});

describe('version times', () => {
  it.each([
    ['0', 0],
    ['1767225600000', 1_767_225_600_000],
    ['2026-01-01', Date.UTC(2026, 0, 1)],
    ['2026-01-01T09:30Z', Date.UTC(2026, 0, 1, 9, 30)],
    ['2026-01-01T09:30:15.250Z', Date.UTC(2026, 0, 1, 9, 30, 15, 250)],
    ['2026-01-01T10:30:00+01:00', Date.UTC(2026, 0, 1, 9, 30)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
  ])('%s is %d', (text, ms) => {
    expect(parseVersionTime(text)).toBe(ms);
  });

  it.each([
    '',
    'now',
    '-1',
    '1e3',
    '1.5',
    '0x10',
    '99999999999999999',
    '2026-02-30',
    '2025-02-29',
    '2026-13-01',
    '2026-01-01T09:30',
    '2026-01-01T24:00Z',
    '2026-01-01T09:60Z',
    '2026-01-01 09:30Z',
    '2026-01-01T09:30:00+24:00',
  ])('%j is no time', (text) => {
    expect(parseVersionTime(text)).toBeNull();
  });
});

/** One character typed per edit, so a version's text says which edits it holds. */
function typed(count: number): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < count; i++) doc.getText('t').insert(i, String.fromCharCode(97 + (i % 26)));
  return updates;
}

function textOf(update: Uint8Array): string {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

describe('the history service', () => {
  it('[S13.2][S13.3] what is listed and what each version holds never depend on when, or whether, thinning ran', async () => {
    const start = Date.UTC(2025, 0, 1);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 * DAY }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 500 * DAY }), { maxLength: 4 }),
        fc.integer({ min: 0, max: 500 * DAY }),
        async (gaps, passes, after) => {
          const clock = manualClock(start);
          const thinned = new MemoryDocStore(() => clock.now());
          const untouched = new MemoryDocStore(() => clock.now());
          const thinnedHistory = new History({
            store: thinned,
            clock,
            tiers: DEFAULT_HISTORY_TIERS,
            logger: silentLogger,
          });
          const plainHistory = new History({
            store: untouched,
            clock,
            tiers: DEFAULT_HISTORY_TIERS,
            logger: silentLogger,
          });
          const updates = typed(gaps.length);
          let time = start;
          const edits: number[] = [];
          for (const [i, gap] of gaps.entries()) {
            time += gap;
            clock.set(time);
            await thinned.append('r', updates[i]!);
            await untouched.append('r', updates[i]!);
            edits.push(time);
          }
          // Passes at times in order, each seeing the history as it is then; then a final look.
          for (const pass of [...passes].sort((a, b) => a - b)) {
            clock.set(time + pass);
            await thinnedHistory.thin('r');
          }
          clock.set(time + Math.max(after, ...passes));
          const versions = await plainHistory.versions('r');
          expect((await thinnedHistory.versions('r')).map((v) => [v.time, v.tier])).toEqual(
            versions.map((v) => [v.time, v.tier]),
          );
          for (const version of versions) {
            const expected = edits.filter((t) => t <= version.time).length;
            const a = await thinnedHistory.version('r', version.time);
            const b = await plainHistory.version('r', version.time);
            expect(textOf(a!.update)).toBe(textOf(b!.update));
            expect(textOf(a!.update)).toHaveLength(expected);
          }
          // A last pass at the final time leaves one segment per version (and one expired base).
          await thinnedHistory.thin('r');
          const segments = await thinned.history.segments('r');
          const expired = edits.some((t) => t <= clock.now() - 365 * DAY) ? 1 : 0;
          expect(segments).toHaveLength(versions.length + expired);
        },
      ),
      { numRuns: 60, seed: 14 },
    );
  });

  it('[S13.2] a time before the retention window is answered without reading the store', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const store = new MemoryDocStore(() => clock.now());
    let reads = 0;
    const log = store.history;
    const counting = Object.assign(Object.create(store) as MemoryDocStore, {
      history: {
        segments: (room: string) => {
          reads++;
          return log.segments(room);
        },
        read: log.read,
        merge: log.merge,
      },
    });
    const history = new History({
      store: counting,
      clock,
      tiers: DEFAULT_HISTORY_TIERS,
      logger: silentLogger,
    });
    expect(history.mayHold(clock.now() - 366 * DAY)).toBe(false);
    expect(await history.version('r', clock.now() - 366 * DAY)).toBeNull();
    expect(reads).toBe(0);
    expect(await history.version('r', clock.now())).toBeNull();
    expect(reads).toBe(1);
  });

  it('[S13.1] LevelDB: what was stored while the history was off is kept by the next compaction, the stored state included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-history-'));
    dirs.push(dir);
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const updates = typed(4);
    const doc = new Y.Doc();
    const off = await LevelDocStore.open(dir, { now: () => clock.now(), history: false });
    for (const update of updates.slice(0, 2)) {
      await off.append('r', update);
      Y.applyUpdate(doc, update);
    }
    // Compacted while off: the two entries go without reaching the history; the state holds them.
    await off.replace('r', Y.encodeStateAsUpdate(doc));
    expect(off.history).toBeUndefined();
    await off.close();

    clock.set(Date.UTC(2026, 0, 2));
    const on = await LevelDocStore.open(dir, { now: () => clock.now() });
    const history = new History({ store: on, clock, tiers: DEFAULT_HISTORY_TIERS, logger: silentLogger });
    await on.append('r', updates[2]!);
    Y.applyUpdate(doc, updates[2]!);
    const live = await on.history!.segments('r');
    expect(live.map((s) => [s.time, s.mergeable])).toEqual([
      [Date.UTC(2026, 0, 1), false],
      [Date.UTC(2026, 0, 2), false],
    ]);
    expect(textOf((await history.version('r', Date.UTC(2026, 0, 1)))!.update)).toBe('ab');
    expect(textOf((await history.version('r', Date.UTC(2026, 0, 2)))!.update)).toBe('abc');

    clock.set(Date.UTC(2026, 0, 3));
    await on.replace('r', Y.encodeStateAsUpdate(doc));
    await on.append('r', updates[3]!);
    expect((await on.history!.segments('r')).map((s) => [s.time, s.mergeable])).toEqual([
      [Date.UTC(2026, 0, 1), true],
      [Date.UTC(2026, 0, 2), true],
      [Date.UTC(2026, 0, 3), false],
    ]);
    expect(textOf((await history.version('r', Date.UTC(2026, 0, 2)))!.update)).toBe('abc');
    expect(textOf((await history.version('r', Date.UTC(2026, 0, 3)))!.update)).toBe('abcd');
    await on.close();
  });

  it('[S13.1] LevelDB: log entries stored before entries carried their time count as older than every version, and stay in each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-history-'));
    dirs.push(dir);
    const updates = typed(2);
    // As a store wrote them before: `u!<room>!<seq>` and metadata without history fields.
    const raw = new ClassicLevel<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await raw.open();
    await raw.put('u!r!000000000001', updates[0]!);
    await raw.put(
      'm!r',
      new TextEncoder().encode(
        JSON.stringify({ seq: 1, entries: 1, bytes: updates[0]!.byteLength, updatedAt: 1 }),
      ),
    );
    await raw.close();
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const store = await LevelDocStore.open(dir, { now: () => clock.now() });
    const history = new History({ store, clock, tiers: DEFAULT_HISTORY_TIERS, logger: silentLogger });
    await store.append('r', updates[1]!);
    expect((await store.load('r')).updates).toHaveLength(2);
    expect((await history.versions('r')).map((v) => v.time)).toEqual([Date.UTC(2026, 0, 1)]);
    expect(textOf((await history.version('r', Date.UTC(2026, 0, 1)))!.update)).toBe('ab');
    await store.replace('r', Y.mergeUpdates(updates));
    expect(textOf((await history.version('r', Date.UTC(2026, 0, 1)))!.update)).toBe('ab');
    await store.close();
  });
});
