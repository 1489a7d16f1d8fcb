/**
 * The append journal (S2.3): records read back as written, a damaged tail costs only itself, files
 * are removed once applied, and LevelDocStore applies on open exactly the records LevelDB lacks.
 */
import { readFileSync, statSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { Logger } from '../../../sync-server/core/ports';
import { AppendJournal, readJournal } from '../../../sync-server/storage/append-journal';
import { LevelDocStore } from '../../../sync-server/storage/level-doc-store';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-journal-'));
  dirs.push(dir);
  return dir;
}

const bytes = (...values: number[]) => new Uint8Array(values);

/** Updates that each insert `text` at the end of a shared text, as one client would send them. */
function typedUpdates(parts: readonly string[]): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (const part of parts) doc.getText('t').insert(doc.getText('t').length, part);
  return updates;
}

async function textOf(store: LevelDocStore, room: string): Promise<string> {
  const doc = new Y.Doc();
  for (const update of (await store.load(room)).updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

/** Puts `from`'s append journal in place of `into`'s: what a kill -9 leaves when LevelDB is behind it. */
async function putJournal(from: string, into: string): Promise<void> {
  await rm(join(into, 'journal'), { recursive: true, force: true });
  await cp(join(from, 'journal'), join(into, 'journal'), { recursive: true });
}

function recordingLogger(lines: string[]): Logger {
  const log = (obj: object, msg?: string) => lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
  return { debug: log, info: log, warn: log, error: log };
}

describe('append journal files', () => {
  it('[S2.3] records read back in order with their room, time and bytes; the numbering goes on after a restart', async () => {
    const dir = await tempDir();
    const journal = new AppendJournal(dir, 0);
    expect(journal.append('board.a', 1000, bytes(1, 2, 3)).seq).toBe(1);
    expect(journal.delete('board.b', 1001).seq).toBe(2);
    expect(journal.append('board.ü', 1002, bytes()).seq).toBe(3);
    journal.close();

    const read = readJournal(dir);
    expect(read.damaged).toEqual([]);
    expect(read.lastSeq).toBe(3);
    expect(read.records).toEqual([
      { kind: 'append', seq: 1, time: 1000, room: 'board.a', update: bytes(1, 2, 3) },
      { kind: 'delete', seq: 2, time: 1001, room: 'board.b' },
      { kind: 'append', seq: 3, time: 1002, room: 'board.ü', update: bytes() },
    ]);

    // A new journal removes the files it was started after and numbers on from them, even once
    // they are gone: its own file's header carries the last number.
    new AppendJournal(dir, read.lastSeq).close();
    const empty = readJournal(dir);
    expect(empty.records).toEqual([]);
    expect(empty.lastSeq).toBe(3);
    const again = new AppendJournal(dir, empty.lastSeq);
    expect(again.append('board.a', 2000, bytes(9)).seq).toBe(4);
    again.close();
  });

  it('[S2.3] closing a journal whose directory is gone does not throw (the shutdown goes on)', async () => {
    const dir = await tempDir();
    const journal = new AppendJournal(dir, 0);
    journal.append('board.a', 1000, bytes(1, 2, 3)).settle();
    await rm(dir, { recursive: true, force: true });
    expect(() => journal.close()).not.toThrow();
  });

  it('[S2.3] a torn or damaged tail costs only itself: the records before it are read, and the damage is named', async () => {
    const dir = await tempDir();
    const journal = new AppendJournal(dir, 0);
    for (let i = 1; i <= 3; i++) journal.append('board.a', i, bytes(i, i, i, i));
    journal.close();
    const [file] = await readdir(dir);
    const path = join(dir, file!);
    // The last record loses its final bytes (a write cut short).
    const size = statSync(path).size;
    await truncate(path, size - 2);
    const torn = readJournal(dir);
    expect(torn.records.map((record) => record.seq)).toEqual([1, 2]);
    expect(torn.damaged).toHaveLength(1);
    expect(torn.damaged[0]).toMatch(/truncated record/);

    // Bytes that are not a record at all after the good ones.
    await writeFile(path, Buffer.concat([readFileSync(path), Buffer.from('garbage!garbage!garbage!')]));
    const garbage = readJournal(dir);
    expect(garbage.records.map((record) => record.seq)).toEqual([1, 2]);
    expect(garbage.damaged[0]).toMatch(/truncated record|checksum mismatch|malformed/);
  });

  it('[S2.3] a full file is sealed and removed once every record in it has settled; the current file stays', async () => {
    const dir = await tempDir();
    const journal = new AppendJournal(dir, 0, 200);
    const tickets = Array.from({ length: 12 }, (_, i) => journal.append('board.a', i, new Uint8Array(40)));
    const files = await readdir(dir);
    expect(files.length).toBeGreaterThan(2);
    // Settled out of order: a file goes only when all of its records have, so the first one stays
    // while its first record has not.
    for (const ticket of tickets.slice(1)) ticket.settle();
    expect(await readdir(dir)).toEqual([files[0], files.at(-1)]);
    tickets[0]!.settle();
    expect(await readdir(dir)).toEqual([files.at(-1)]);
    journal.close();
    expect(readJournal(dir).lastSeq).toBe(12);
  });
});

describe('LevelDocStore on the append journal', () => {
  it('[S2.3] an append stored in the journal but not yet in LevelDB is applied when the store opens', async () => {
    const dir = await tempDir();
    const [a, b, c] = typedUpdates(['a', 'b', 'c']);
    const first = await LevelDocStore.open(dir);
    await first.append('board.x', a!);
    await first.close();
    // LevelDB as it was after the first append: the crash below happens before it takes the rest.
    const behind = await tempDir();
    await cp(dir, behind, { recursive: true });

    const second = await LevelDocStore.open(dir);
    await second.append('board.x', b!);
    await second.append('board.x', c!);
    // The journal of the second run beside LevelDB of the first: what a kill -9 leaves when LevelDB
    // is behind the journal (taken before the close, which empties a journal LevelDB has caught up with).
    await putJournal(dir, behind);
    await second.close();

    const lines: string[] = [];
    const reopened = await LevelDocStore.open(behind, { logger: recordingLogger(lines) });
    expect(await textOf(reopened, 'board.x')).toBe('abc');
    expect((await reopened.list()).find((room) => room.room === 'board.x')?.entries).toBe(3);
    expect(
      lines.some((line) => line.includes('append journal replayed') && line.includes('"records":2')),
    ).toBe(true);
    await reopened.close();
  });

  it('[S2.3] a long journal LevelDB lacks (thousands of appends, rooms interleaved, a delete) replays to what was stored', async () => {
    const dir = await tempDir();
    const empty = await LevelDocStore.open(dir);
    await empty.close();
    const behind = await tempDir();
    await cp(dir, behind, { recursive: true });

    const long = typedUpdates(Array.from({ length: 2_500 }, (_, i) => `${i};`));
    const [before1, before2] = typedUpdates(['x', 'y']);
    // Written by someone starting afresh after the delete.
    const [after1, after2] = typedUpdates(['z', 'w']);
    const store = await LevelDocStore.open(dir);
    long.forEach((update, i) => {
      void store.append('board.long', update);
      if (i === 100) void store.append('board.other', before1!);
      if (i === 200) void store.append('board.other', before2!);
      if (i === 300) void store.delete('board.other');
      if (i === 400) void store.append('board.other', after1!);
    });
    await store.append('board.other', after2!);
    await putJournal(dir, behind);
    await store.close();

    const reopened = await LevelDocStore.open(behind);
    const rooms = new Map((await reopened.list()).map((room) => [room.room, room.entries]));
    expect(rooms.get('board.long')).toBe(2_500);
    expect(rooms.get('board.other')).toBe(2);
    expect(await textOf(reopened, 'board.long')).toBe(
      Array.from({ length: 2_500 }, (_, i) => `${i};`).join(''),
    );
    expect(await textOf(reopened, 'board.other')).toBe('zw');
    await reopened.close();
  });

  it('[S2.3] records LevelDB holds already are not applied again, however often the store reopens', async () => {
    const dir = await tempDir();
    const updates = typedUpdates(['a', 'b', 'c', 'd']);
    const store = await LevelDocStore.open(dir);
    for (const update of updates.slice(0, 2)) await store.append('board.x', update);
    // A compaction between them: the records before it are covered by its state.
    await store.replace('board.x', Y.mergeUpdates(updates.slice(0, 2)));
    for (const update of updates.slice(2)) await store.append('board.x', update);
    await store.close();
    for (let i = 0; i < 2; i++) {
      const reopened = await LevelDocStore.open(dir);
      expect(await textOf(reopened, 'board.x')).toBe('abcd');
      expect((await reopened.list()).find((room) => room.room === 'board.x')?.entries).toBe(3);
      await reopened.close();
    }
  });

  it('[S2.3][S12.2] a deleted room whose appends are still in the journal stays deleted after a restart', async () => {
    const dir = await tempDir();
    const [a, b, c] = typedUpdates(['a', 'b', 'c']);
    const store = await LevelDocStore.open(dir);
    await store.append('board.gone', a!);
    await store.append('board.gone', b!);
    await store.append('board.kept', c!);
    await store.delete('board.gone');
    // The journal as a kill -9 leaves it once LevelDB has taken every record (the delete too).
    const image = await tempDir();
    await putJournal(dir, image);
    await store.close();
    await putJournal(image, dir);
    const reopened = await LevelDocStore.open(dir);
    expect((await reopened.load('board.gone')).updates).toEqual([]);
    expect((await reopened.list()).map((room) => room.room)).toEqual(['board.kept']);
    await reopened.close();
  });

  it('[S2.3] a store closed with every record applied leaves the journal one header long; the numbering goes on, and a crash after the restart replays', async () => {
    const dir = await tempDir();
    const parts = Array.from({ length: 3_000 }, (_, i) => `${i};`);
    const updates = typedUpdates(parts);
    const store = await LevelDocStore.open(dir);
    for (const update of updates.slice(0, 2_000)) store.appendSync!('board.x', update);
    await store.close();
    const journalDir = join(dir, 'journal');
    const files = await readdir(journalDir);
    expect(files).toHaveLength(1);
    // A header record: the frame, kind, sequence number, time and an empty room name.
    expect(statSync(join(journalDir, files[0]!)).size).toBeLessThan(32);

    // After the restart, appends that reach the journal and not LevelDB (a kill -9) must replay:
    // numbered after the 2,000 LevelDB holds, not from 1 again.
    const restarted = await LevelDocStore.open(dir);
    // LevelDB as the restart found it, with the journal as it is once the appends are written.
    const crashed = await tempDir();
    await cp(dir, crashed, { recursive: true });
    for (const update of updates.slice(2_000)) restarted.appendSync!('board.x', update);
    await putJournal(dir, crashed);
    await restarted.close();
    const reopened = await LevelDocStore.open(crashed);
    expect(await textOf(reopened, 'board.x')).toBe(parts.join(''));
    await reopened.close();
  });

  it('[S2.3] a damaged journal tail is reported in one line and the store opens with the records before it', async () => {
    const dir = await tempDir();
    const [a] = typedUpdates(['a']);
    const store = await LevelDocStore.open(dir);
    await store.append('board.x', a!);
    await store.close();
    const journalDir = join(dir, 'journal');
    const [file] = await readdir(journalDir);
    await writeFile(join(journalDir, file!), Buffer.from('\u0001\u0002'), { flag: 'a' });
    const lines: string[] = [];
    const reopened = await LevelDocStore.open(dir, { logger: recordingLogger(lines) });
    expect(await textOf(reopened, 'board.x')).toBe('a');
    const warnings = lines.filter((line) => line.includes('append journal ends early'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('\n');
    await reopened.close();
  });

  it("[S2.4] appendSync: the record is in the journal when the call returns, in order with the room's appends and its compaction", async () => {
    const dir = await tempDir();
    const [a, b, c] = typedUpdates(['a', 'b', 'c']);
    const store = await LevelDocStore.open(dir);
    expect(store.appendSync).toBeTypeOf('function');
    await store.append('board.x', a!);
    // A compaction in flight, then a synchronous append issued after it: it must survive the replace.
    const compaction = store.replace('board.x', a!);
    store.appendSync!('board.x', b!);
    // Stored before anything else runs: read back from the journal file itself.
    const journaled = readJournal(join(dir, 'journal')).records;
    expect(journaled.at(-1)).toMatchObject({ kind: 'append', room: 'board.x', update: b });
    store.appendSync!('board.x', c!);
    await compaction;
    expect(await textOf(store, 'board.x')).toBe('abc');
    await store.close();
    expect(store.appendSync).toBeUndefined();
    const reopened = await LevelDocStore.open(dir);
    expect(await textOf(reopened, 'board.x')).toBe('abc');
    await reopened.close();
  });

  it('[S2.3][S2.4] what is issued in the turn of a synchronous append (a load, a listing, a delete, a compaction) comes after it', async () => {
    const dir = await tempDir();
    const [a, b, c, d] = typedUpdates(['a', 'b', 'c', 'd']);
    const store = await LevelDocStore.open(dir);
    store.appendSync!('board.x', a!);
    expect(await textOf(store, 'board.x')).toBe('a');
    store.appendSync!('board.x', b!);
    expect(await store.list()).toMatchObject([{ room: 'board.x', entries: 2 }]);
    store.appendSync!('board.gone', c!);
    await store.delete('board.gone');
    expect((await store.load('board.gone')).updates).toEqual([]);
    store.appendSync!('board.x', c!);
    // A compaction's state covers everything issued before it; d, issued after it, stays.
    await store.replace('board.x', Y.mergeUpdates([a!, b!, c!]));
    store.appendSync!('board.x', d!);
    expect(await store.list()).toMatchObject([{ room: 'board.x', entries: 2 }]);
    await store.close();
    const reopened = await LevelDocStore.open(dir);
    expect(await textOf(reopened, 'board.x')).toBe('abcd');
    expect((await reopened.load('board.gone')).updates).toEqual([]);
    await reopened.close();
  });

  it('[S2.4] with fsync there is no synchronous append: a synced LevelDB write stays the durable point', async () => {
    const store = await LevelDocStore.open(await tempDir(), { fsync: true });
    expect(store.appendSync).toBeUndefined();
    await store.close();
  });

  it('[S2.3] with fsync, appends go to LevelDB directly and the journal holds none of them', async () => {
    const dir = await tempDir();
    const [a] = typedUpdates(['a']);
    const store = await LevelDocStore.open(dir, { fsync: true });
    await store.append('board.x', a!);
    expect(readJournal(join(dir, 'journal')).records).toEqual([]);
    expect(await textOf(store, 'board.x')).toBe('a');
    await store.close();
  });

  it('[S3.1] a compaction of 1,000 entries is handed to LevelDB in slices: no turn of the event loop builds more than 200 operations of it', async () => {
    const dir = await tempDir();
    const store = await LevelDocStore.open(dir);
    const updates = typedUpdates(Array.from({ length: 1_000 }, (_, i) => `${i};`));
    for (const [i, update] of updates.entries()) {
      await store.append('board.x', update);
      // Each in its own turn: the journal feeds LevelDB one small batch at a time.
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    await store.load('board.x');

    // Operations handed to LevelDB per turn: a turn ends whenever a setImmediate callback runs.
    let turn = 0;
    let running = true;
    const tick = () => {
      turn++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const perTurn = new Map<number, number>();
    const count = (n: number) => perTurn.set(turn, (perTurn.get(turn) ?? 0) + n);
    const arrayBatch = ClassicLevel.prototype.batch;
    const spy = vi.spyOn(ClassicLevel.prototype, 'batch').mockImplementation(function (
      this: ClassicLevel<string, Uint8Array>,
      ...args: unknown[]
    ) {
      if (Array.isArray(args[0])) {
        count(args[0].length);
        return (arrayBatch as (...a: unknown[]) => unknown).apply(this, args);
      }
      const chained = (arrayBatch as (...a: unknown[]) => unknown).apply(this, args) as {
        put: (...a: unknown[]) => unknown;
        del: (...a: unknown[]) => unknown;
      };
      const put = chained.put.bind(chained);
      const del = chained.del.bind(chained);
      chained.put = (...a: unknown[]) => {
        count(1);
        return put(...a);
      };
      chained.del = (...a: unknown[]) => {
        count(1);
        return del(...a);
      };
      return chained;
    } as never);
    try {
      await store.replace('board.x', Y.mergeUpdates(updates));
    } finally {
      spy.mockRestore();
      running = false;
    }
    const total = [...perTurn.values()].reduce((sum, n) => sum + n, 0);
    // Every entry deleted from the live log and put in the history, plus the state and the metadata.
    expect(total).toBe(2 * 1_000 + 2);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(200);
    expect(await textOf(store, 'board.x')).toBe(updates.map((_, i) => `${i};`).join(''));
    await store.close();
  });
});
