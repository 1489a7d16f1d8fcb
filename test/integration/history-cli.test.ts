/**
 * `trellis-server history` and `export --at` (S13.7), through the running server and on its stopped
 * data directory, and the clock testing aid of a server process (TRELLIS_CLOCK_OFFSET_MS).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, initBoard, readBoard, updateCard } from '../../shared/board';
import { readAdminCredential } from '../../sync-server/admin/local-files';
import { OffsetClock } from '../../sync-server/history/test-clock';
import { waitForAsync, waitUntil } from '../support/wait';
import { cli } from './support/cli';
import { cleanup, connectClient, startTestServer, type TestServer, whenSynced } from './support/harness';
import { type ServerProcess, spawnServer } from './support/server-process';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const dirs: string[] = [];
const processes: ServerProcess[] = [];
afterEach(async () => {
  await cleanup();
  for (const server of processes.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null)
      process.kill(server.pid, 'SIGTERM');
    await server.exited;
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-history-cli-'));
  dirs.push(dir);
  return dir;
}

/**
 * A description as the editor writes it: one paragraph of plain text, in one transaction as an editor
 * update is (each update a client sends is a change of its own in the history).
 */
function writeParagraph(doc: Y.Doc, text: string): void {
  doc.transact(() => writeParagraphNow(doc, text));
}

function writeParagraphNow(doc: Y.Doc, text: string): void {
  const root = doc.get('root', Y.XmlText);
  const paragraph = new Y.XmlText();
  root.insertEmbed(0, paragraph);
  paragraph.setAttribute('__type', 'paragraph');
  const plain = new Y.Map();
  paragraph.insertEmbed(0, plain);
  plain.set('__type', 'text');
  plain.set('__format', 0);
  paragraph.insert(1, text);
}

function appendToParagraph(doc: Y.Doc, text: string): void {
  const paragraph = doc.get('root', Y.XmlText).toDelta()[0].insert as Y.XmlText;
  paragraph.insert(paragraph.length, text);
}

/** Resolves once the room's history holds `count` segments. */
function stored(server: TestServer, room: string) {
  return (count: number) =>
    waitForAsync(async () => (await server.store.history!.segments(room)).length >= count, `${room} stored`);
}

describe('trellis-server history and export --at', () => {
  it('[S13.7] list a room’s versions and export a board as it was, through the running server and on the stopped data directory; a rollback to the export brings it back', async () => {
    const clock = new OffsetClock(-3 * HOUR);
    const dataDir = await tempDir();
    const server = await startTestServer({ dataDir }, { clock });
    const board = connectClient(server.wsUrl, 'board.past');
    await whenSynced(board);
    initBoard(board.doc, { title: 'Launch', createdBy: 'm1' });
    const columnId = readBoard(board.doc).columns[0]!.id;
    const cardId = addCard(board.doc, { columnId, title: 'Draft notes', createdBy: 'm1' });
    const descriptionRoom = `board.past.card.${cardId}`;
    const description = connectClient(server.wsUrl, descriptionRoom);
    await whenSynced(description);
    writeParagraph(description.doc, 'First draft.');
    const boardStored = stored(server, 'board.past');
    const descriptionStored = stored(server, descriptionRoom);
    await boardStored(1);
    await descriptionStored(1);
    await server.core.rooms.get('board.past')!.writes.whenDrained();
    await server.core.rooms.get(descriptionRoom)!.writes.whenDrained();
    const past = Date.now() + clock.offsetMs;
    const boardVersionsThen = (await server.store.history!.segments('board.past')).length;

    clock.offsetMs = -HOUR;
    updateCard(board.doc, cardId, { title: 'Release notes' });
    appendToParagraph(description.doc, ' Then the final text.');
    await boardStored(boardVersionsThen + 1);
    await descriptionStored(2);
    clock.offsetMs = 0;
    const at = new Date(past + 30 * 60_000).toISOString();

    const check = async (where: string[], versions: number) => {
      const listed = await cli(['history', descriptionRoom, ...where]);
      expect(listed, listed.stderr).toMatchObject({ code: 0 });
      expect(listed.stdout.split('\n')[0]).toMatch(/^TIME\s+MS\s+AGE\s+TIER\s+BYTES$/);
      expect(listed.stdout.trim().split('\n')).toHaveLength(1 + versions);
      expect(listed.stdout).toMatch(/\s1h\s+change\s/);
      expect(listed.stdout).toMatch(/\s3h\s+change\s/);
      const json = await cli(['history', descriptionRoom, '--json', ...where]);
      expect(JSON.parse(json.stdout)).toMatchObject({
        room: descriptionRoom,
        retention: '24h:all,30d:1h,365d:1d',
      });

      const out = join(await tempDir(), 'then');
      const exported = await cli(['export', 'past', '--at', at, '--out', out, ...where]);
      expect(exported, exported.stderr).toMatchObject({ code: 0 });
      expect(exported.stderr).toBe(`exported 2 rooms of board past as they were at ${at}\n`);
      const file = JSON.parse(await readFile(`${out}.json`, 'utf8'));
      expect(file.snapshot.title).toBe('Launch');
      expect(JSON.stringify(file.snapshot)).toContain('Draft notes');
      expect(JSON.stringify(file.snapshot)).not.toContain('Release notes');
      expect(file.descriptions[cardId]).toBe('First draft.');
      expect(await readFile(`${out}.md`, 'utf8')).toContain('### Draft notes');

      const before = await cli(['export', 'past', '--at', new Date(past - 2 * HOUR).toISOString(), ...where]);
      expect(before).toMatchObject({ code: 1 });
      expect(before.stderr).toMatch(/has no version at or before/);
      const bad = await cli(['export', 'past', '--at', 'yesterday', ...where]);
      expect(bad).toMatchObject({ code: 2 });
      return `${out}.json`;
    };
    const whileRunning = await check(['--data-dir', dataDir], 2);
    expect(
      (
        await cli([
          'export',
          'past',
          '--at',
          String(Date.now()),
          '--out',
          join(await tempDir(), 'now'),
          '--data-dir',
          dataDir,
        ])
      ).code,
    ).toBe(0);

    // The export is a file `rollback` takes: the board and its description go back to it.
    const rolledBack = await cli([
      'rollback',
      'past',
      whileRunning,
      '--keep',
      join(await tempDir(), 'keep.backup'),
      '--data-dir',
      dataDir,
    ]);
    expect(rolledBack, rolledBack.stderr).toMatchObject({ code: 0 });
    await waitUntil(
      () => readBoard(board.doc).cards.get(cardId)?.title === 'Draft notes',
      'the card title came back',
    );
    await waitUntil(
      () => !description.doc.get('root', Y.XmlText).toString().includes('final text'),
      'the description came back',
    );

    board.destroy();
    description.destroy();
    await server.close();
    // The rollback is a third version of the description; the past stays as it was.
    await check(['--data-dir', dataDir], 3);
  });

  it('[S13] TRELLIS_CLOCK_OFFSET_MS shifts a server process’s clock, and POST /admin/clock moves it while it runs', async () => {
    const dataDir = await tempDir();
    const server = await spawnServer({
      DATA_DIR: dataDir,
      STATIC_DIR: 'none',
      TRELLIS_CLOCK_OFFSET_MS: String(-DAY),
    });
    processes.push(server);
    expect(server.logs.some((line) => line.includes('TRELLIS_CLOCK_OFFSET_MS is set'))).toBe(true);
    const client = connectClient(server.wsUrl, 'board.clock');
    await whenSynced(client);
    const versions = async () =>
      (
        (await (await fetch(`${server.url}/history/board.clock`)).json()) as {
          versions: Array<{ time: number }>;
        }
      ).versions;
    client.text.insert(0, 'yesterday;');
    await waitForAsync(async () => (await versions()).length === 1, 'the first edit stored');
    const [yesterday] = await versions();
    expect(Math.abs(yesterday!.time - (Date.now() - DAY))).toBeLessThan(60_000);

    const credential = await readAdminCredential(dataDir);
    const moved = await fetch(`${server.url}/admin/clock?offset=0`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credential}` },
    });
    expect(moved.status).toBe(200);
    client.text.insert(client.text.length, 'today;');
    await waitForAsync(async () => (await versions()).length === 2, 'the second edit stored');
    const [today] = await versions();
    expect(Math.abs(today!.time - Date.now())).toBeLessThan(60_000);
    const response = await fetch(`${server.url}/history/board.clock/${yesterday!.time}`);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
    expect(doc.getText('t').toString()).toBe('yesterday;');

    // A server started without it has no such endpoint.
    const plain = await startTestServer();
    const refused = await fetch(`${plain.url}/admin/clock?offset=0`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await readAdminCredential(plain.dataDir)}` },
    });
    expect(refused.status).toBe(404);
  });
});
