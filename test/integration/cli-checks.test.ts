/**
 * What the operator commands refuse and report (S10, and S7 for `inspect`): restore and import check
 * every room before writing anything, `verify` reports per room, and every error is one line.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  BACKUP_FORMAT,
  backupEndLine,
  backupHeaderLine,
  backupRoomLine,
  sha256,
} from '../../sync-server/admin/formats';
import { pendingStructsUpdate, textState, undecodableBytes } from '../support/damaged-updates';
import { type CliResult, cli, dataDirWith, storedTexts } from './support/cli';
import { cleanup, startTestServer } from './support/harness';

const dirs: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-checks-'));
  dirs.push(dir);
  return dir;
}

type Rooms = Record<string, Uint8Array>;

async function backupFile(rooms: Rooms): Promise<string> {
  const file = join(await tempDir(), 'backup.ndjson');
  const lines = Object.entries(rooms).map(([room, state]) =>
    backupRoomLine({ room, state, entries: 1, bytes: state.byteLength, updatedAt: 0 }),
  );
  await writeFile(file, backupHeaderLine(new Date()) + lines.join('') + backupEndLine(lines.length));
  return file;
}

async function exportFile(board: string, rooms: Rooms): Promise<string> {
  const file = join(await tempDir(), `${board}.json`);
  const entries = Object.entries(rooms).map(([room, state]) => ({
    room,
    sha256: sha256(state),
    state: Buffer.from(state).toString('base64'),
  }));
  const json = {
    format: 'trellis-board-export',
    version: 1,
    board,
    exportedAt: '',
    snapshot: {},
    rooms: entries,
  };
  await writeFile(file, JSON.stringify(json));
  return file;
}

/** Failed, with one line on stderr and no stack trace. */
function expectOneLineFailure(result: CliResult): void {
  expect(result.code).toBe(1);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

const { secondOnly } = pendingStructsUpdate('first ', 'second');

describe('[S10] restore checks every room before writing anything', () => {
  it('[S10] refuses undecodable states, pending structs and invalid room names, in one line, and writes nothing', async () => {
    const file = await backupFile({
      'board.good': textState('good'),
      'board.bad': undecodableBytes(200, 1),
      'board.gap': secondOnly,
      '../../etc/passwd': textState('path'),
      // `!` ends a room's key range in LevelDB: this would land inside board.x's log.
      'board.x!y': textState('inside another room'),
    });
    const fresh = join(await tempDir(), 'data');
    const refused = await cli(['restore', file, '--data-dir', fresh]);
    expectOneLineFailure(refused);
    expect(refused.stderr).toContain('nothing written');
    for (const mention of [
      '"board.bad" (undecodable',
      '"board.gap" (pending structs',
      '"../../etc/passwd" (invalid room name',
      '"board.x!y" (invalid room name',
    ]) {
      expect(refused.stderr).toContain(mention);
    }
    expect(refused.stderr).not.toContain('"board.good"');
    expect(existsSync(fresh)).toBe(false);

    // With --force into a directory that holds the good room: it stays as it was.
    const existing = await dataDirWith(await tempDir(), { 'board.good': textState('kept') });
    expectOneLineFailure(await cli(['restore', file, '--data-dir', existing, '--force']));
    expect(await storedTexts(existing)).toEqual({ 'board.good': 'kept' });
  });

  it('[S10] refuses a room whose bytes do not match their checksum; restores a backup written before checksums', async () => {
    const b = textState('b');
    const file = await backupFile({ 'board.a': textState('a'), 'board.b': b });
    const text = await readFile(file, 'utf8');
    // Another valid state in its place: only the checksum tells.
    const altered = text.replace(
      Buffer.from(b).toString('base64'),
      Buffer.from(textState('B')).toString('base64'),
    );
    expect(altered).not.toBe(text);
    const alteredFile = `${file}.altered`;
    await writeFile(alteredFile, altered);
    const refused = await cli(['restore', alteredFile, '--data-dir', join(await tempDir(), 'data')]);
    expectOneLineFailure(refused);
    expect(refused.stderr).toContain('"board.b" (checksum mismatch');

    // Version 1: no checksums; decoded instead.
    const versionOne = [
      JSON.stringify({ format: BACKUP_FORMAT, version: 1, createdAt: 'x' }),
      JSON.stringify({ room: 'board.a', state: Buffer.from(textState('a')).toString('base64') }),
      JSON.stringify({ end: true, rooms: 1 }),
    ].join('\n');
    const oldFile = join(await tempDir(), 'v1.ndjson');
    await writeFile(oldFile, `${versionOne}\n`);
    const dir = join(await tempDir(), 'data');
    const restored = await cli(['restore', oldFile, '--data-dir', dir]);
    expect(restored.code).toBe(0);
    expect(restored.stderr).toContain('restored 1 rooms (a backup without checksums');
    expect(await storedTexts(dir)).toEqual({ 'board.a': 'a' });
  });
});

describe('[S10] import checks every room of its board before writing anything', () => {
  it('[S10] refuses rooms of another board, invalid names and undecodable states; a good export then imports, on a data dir and through a running server', async () => {
    const dir = await dataDirWith(await tempDir(), { 'board.other': textState('other board') });
    const server = await startTestServer({ dataDir: await tempDir() });
    const targets = [
      { name: 'data dir', args: ['--data-dir', dir], texts: () => storedTexts(dir) },
      {
        // The server holds its data dir: the CLI finds it there (and its admin credential).
        name: 'server',
        args: ['--data-dir', server.dataDir],
        texts: async () => {
          const texts: Record<string, string> = {};
          for (const { room } of await server.store.list()) {
            const doc = new Y.Doc();
            for (const update of (await server.store.load(room)).updates) Y.applyUpdate(doc, update);
            texts[room] = doc.getText('t').toString();
          }
          return texts;
        },
      },
    ];
    const refusals: Array<{ rooms: Rooms; mention: string }> = [
      {
        rooms: { 'board.imp': textState('board'), 'board.other': textState('not mine') },
        mention: '"board.other" (room of another board',
      },
      {
        rooms: { 'board.imp': textState('board'), 'board.imp.card.c1': undecodableBytes(64, 2) },
        mention: '"board.imp.card.c1" (undecodable',
      },
      {
        rooms: { 'board.imp': textState('board'), 'board.imp.card.c1': secondOnly },
        mention: '"board.imp.card.c1" (pending structs',
      },
      {
        rooms: { 'board.imp': textState('board'), '../../etc/passwd': textState('x') },
        mention: 'invalid room name',
      },
    ];
    for (const target of targets) {
      const before = await target.texts();
      for (const { rooms, mention } of refusals) {
        const result = await cli(['import', await exportFile('imp', rooms), ...target.args]);
        expectOneLineFailure(result);
        expect({ target: target.name, stderr: result.stderr }).toMatchObject({
          stderr: expect.stringContaining(mention),
        });
        expect(await target.texts()).toEqual(before);
      }
      const good = await cli([
        'import',
        await exportFile('imp', { 'board.imp': textState('board'), 'board.imp.card.c1': textState('card') }),
        ...target.args,
      ]);
      expect({ target: target.name, ...good }).toMatchObject({
        code: 0,
        stderr: 'imported board imp: 2 rooms\n',
      });
      expect(await target.texts()).toMatchObject({ 'board.imp': 'board', 'board.imp.card.c1': 'card' });
    }
    const wrongBoard = await cli([
      'import',
      await exportFile('imp', {}),
      '--board',
      'other',
      '--data-dir',
      dir,
    ]);
    expectOneLineFailure(wrongBoard);
  });
});

describe('[S10] verify', () => {
  it('[S10] reports every room of a data dir, of the server that holds it, and of a backup file, with sizes; exits 1 on any problem', async () => {
    const dir = await dataDirWith(await tempDir(), {
      'board.ok': textState('fine'),
      'board.bad': undecodableBytes(300, 4),
      'board.log': [textState('a'), undecodableBytes(40, 5)],
      'board.gap': secondOnly,
    });
    const expected = [
      { room: 'board.bad', status: 'undecodable', bytes: 300, entries: 1 },
      { room: 'board.gap', status: 'pending structs', entries: 1 },
      { room: 'board.log', status: 'undecodable', entries: 2 },
      { room: 'board.ok', status: 'ok', entries: 1 },
    ];
    const offline = await cli(['verify', '--json', '--data-dir', dir]);
    expect(offline.code).toBe(1);
    expect(JSON.parse(offline.stdout)).toMatchObject(expected);
    expect(offline.stderr).toBe(`the data directory ${dir}: 4 rooms, 3 not ok\n`);
    const table = await cli(['verify', '--data-dir', dir]);
    expect(table.stdout).toMatch(/^ROOM\s+STATUS\s+BYTES\s+UPDATES\s+DETAIL$/m);
    expect(table.stdout).toMatch(/^board\.bad\s+undecodable\s+300\s+1\s+\S/m);
    expect(table.stdout).toMatch(/^board\.ok\s+ok\s+\d+\s+1$/m);

    // The server holds the directory now: the same report comes through it.
    const server = await startTestServer({ dataDir: dir });
    const online = await cli(['verify', '--json', '--data-dir', dir]);
    expect(online.code).toBe(1);
    expect(online.stderr).toContain(`the server at ${server.url}`);
    expect(JSON.parse(online.stdout)).toMatchObject(expected);
    await cleanup();

    const file = await backupFile({ 'board.ok': textState('fine'), 'board.bad': undecodableBytes(30, 6) });
    const fromFile = await cli(['verify', '--json', file]);
    expect(fromFile.code).toBe(1);
    expect(JSON.parse(fromFile.stdout)).toMatchObject([
      { room: 'board.ok', status: 'ok' },
      { room: 'board.bad', status: 'undecodable', bytes: 30 },
    ]);

    const clean = await dataDirWith(await tempDir(), { 'board.ok': textState('fine') });
    expect(await cli(['verify', '--data-dir', clean])).toMatchObject({
      code: 0,
      stderr: `the data directory ${clean}: 1 rooms, all ok\n`,
    });
  });

  it('[S2.3][S10] a damaged append journal tail is reported in one line on standard error; the rooms before it verify', async () => {
    const dir = await dataDirWith(await tempDir(), { 'board.ok': textState('fine') });
    const journalDir = join(dir, 'journal');
    const [file] = await readdir(journalDir);
    // A record torn by a crash mid-write: its first bytes only.
    const tornAt = (await readFile(join(journalDir, file!))).byteLength;
    await writeFile(join(journalDir, file!), Buffer.from([9, 0, 0]), { flag: 'a' });
    const result = await cli(['verify', '--data-dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^board\.ok\s+ok\s/m);
    const warnings = result.stderr.split('\n').filter((line) => line.includes('append journal'));
    expect(warnings).toEqual([
      `trellis-server: warning: append journal ends early, later bytes ignored: ${file} at byte ${tornAt}: truncated frame (journal ${journalDir})`,
    ]);
  });

  it('[S10] backup refuses, in one line, a store whose update log cannot be merged', async () => {
    const dir = await dataDirWith(await tempDir(), {
      'board.ok': textState('fine'),
      'board.log': [textState('a'), undecodableBytes(40, 7)],
    });
    const file = join(await tempDir(), 'b.ndjson');
    const offline = await cli(['backup', file, '--data-dir', dir]);
    expectOneLineFailure(offline);
    expect(offline.stderr).toContain('room board.log: its stored update log cannot be decoded');
    expect(existsSync(file)).toBe(false);
    const server = await startTestServer({ dataDir: dir });
    const online = await cli(['backup', file, '--data-dir', server.dataDir]);
    expectOneLineFailure(online);
    expect(online.stderr).toContain('room board.log: its stored update log cannot be decoded');
    expect(existsSync(file)).toBe(false);
  });
});

describe('[S7] inspect of a corrupt room', () => {
  it('[S7] prints one line instead of a stack trace', async () => {
    const dir = await dataDirWith(await tempDir(), {
      'board.bad': undecodableBytes(200, 8),
      'board.gap': secondOnly,
    });
    const bad = await cli(['inspect', 'board.bad', '--data-dir', dir]);
    expectOneLineFailure(bad);
    expect(bad.stderr).toContain('"board.bad" (undecodable');
    // Pending structs: what the document holds is shown, with a warning.
    const gap = await cli(['inspect', 'board.gap', '--data-dir', dir]);
    expect(gap.code).toBe(0);
    expect(gap.stderr).toContain('pending structs');
  });
});
