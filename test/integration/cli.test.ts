import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, initBoard, readBoard } from '../../shared/board';
import { waitUntil } from '../support/wait';
import { TEST_SECRET, tryUpgrade } from './auth-support';
import { cli } from './support/cli';
import { cleanup, connectClient, startTestServer, whenSynced } from './support/harness';

const dirs: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-cli-'));
  dirs.push(dir);
  return dir;
}

function storedDoc(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

describe('trellis-server --help', () => {
  it('the bin lists every subcommand and exits 0; a subcommand explains its options', async () => {
    const run = promisify(execFile);
    const bin = join(process.cwd(), 'bin/trellis-server.js');
    const { stdout } = await run(process.execPath, [bin, '--help'], { timeout: 20_000 });
    for (const command of [
      'start',
      'token',
      'list',
      'inspect',
      'export',
      'import',
      'backup',
      'restore',
      'verify',
      'compact',
      'migrate',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const token = await cli(['token', '--help']);
    expect(token.code).toBe(0);
    expect(token.stdout).toContain('--role read|write');
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    const nowhere = await cli(['migrate']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('to-scaleout or to-level');
    const noUrls = await cli(['migrate', 'to-level']);
    expect(noUrls.code).toBe(2);
    expect(noUrls.stderr).toContain('--redis-url and --database-url');
  });
});

describe('trellis-server token', () => {
  it('prints a link that opens the board with the given access, and only that board', async () => {
    const dataDir = await tempDir();
    const server = await startTestServer({ authSecret: TEST_SECRET, dataDir });
    const writer = connectClient(server.wsUrl, 'board.A', {
      params: {
        token: (
          await cli(['token', '--board', 'A', '--role', 'write', '--token-only'], {
            AUTH_SECRET: TEST_SECRET,
          })
        ).stdout.trim(),
      },
    });
    await whenSynced(writer);
    writer.text.insert(0, 'shared');

    const { code, stdout, stderr } = await cli(
      ['token', '--board', 'A', '--role', 'read', '--expires', '7d', '--name', 'Ann', '--url', server.url],
      { AUTH_SECRET: TEST_SECRET },
    );
    expect(code).toBe(0);
    expect(stderr).toContain('read access to A for Ann');
    const link = new URL(stdout.trim());
    expect(`${link.origin}${link.pathname}`).toBe(`${server.url}/b/A`);
    const readToken = link.searchParams.get('token')!;

    const reader = connectClient(server.wsUrl, 'board.A', { params: { token: readToken } });
    await whenSynced(reader);
    await waitUntil(() => reader.text.toString() === 'shared', 'the link opens the board');
    reader.text.insert(0, 'reader edit;');
    writer.text.insert(writer.text.length, '!');
    await waitUntil(() => reader.text.toString().endsWith('!'), 'the reader follows live edits');
    expect(writer.text.toString()).toBe('shared!');
    expect(await tryUpgrade(`${server.wsUrl}/board.B?token=${readToken}`)).toMatchObject({ status: 403 });

    const noKey = await cli(['token', '--board', 'A', '--role', 'read'], {});
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('AUTH_SECRET');
    const badRole = await cli(['token', '--board', 'A', '--role', 'owner'], { AUTH_SECRET: TEST_SECRET });
    expect(badRole.code).toBe(2);
  });
});

describe('trellis-server backup and restore', () => {
  it('a backup taken while a client edits restores to a state with every update received before it began', async () => {
    const dataDir = await tempDir();
    const server = await startTestServer({ dataDir });
    const writer = connectClient(server.wsUrl, 'board.live');
    const observer = connectClient(server.wsUrl, 'board.live');
    const other = connectClient(server.wsUrl, 'board.live.card.c1');
    await Promise.all([whenSynced(writer), whenSynced(observer), whenSynced(other)]);
    other.text.insert(0, 'description');

    let written = 0;
    const typing = setInterval(() => {
      for (let i = 0; i < 5; i++) writer.text.insert(writer.text.length, `w${written++};`);
    }, 2);
    try {
      await waitUntil(() => observer.text.toString().split(';').length > 200, 'the server relayed 200 edits');
      await waitUntil(() => other.text.length > 0, 'description written');
      // Everything the observer holds went through the server before the backup began.
      const before = observer.text.toString();
      const file = join(dataDir, '..', `${dataDir.split('/').pop()}-backup.ndjson`);
      dirs.push(file);
      // The server holds the data directory, so the CLI goes through its admin endpoint.
      const backup = await cli(['backup', file, '--data-dir', dataDir], { PORT: String(server.port) });
      expect(backup.stderr).toContain(`backup of the server at ${server.url}`);
      expect(backup.code).toBe(0);
      const afterBackup = written;
      await waitUntil(() => written > afterBackup + 50, 'edits continue after the backup');
      clearInterval(typing);

      const restoreWhileRunning = await cli(['restore', file, '--data-dir', dataDir]);
      expect(restoreWhileRunning.code).toBe(1);
      expect(restoreWhileRunning.stderr).toContain('stop it first');

      const freshDir = await tempDir();
      const restored = await cli(['restore', file, '--data-dir', freshDir]);
      expect(restored).toMatchObject({ code: 0, stderr: 'restored 2 rooms\n' });
      const again = await cli(['restore', file, '--data-dir', freshDir]);
      expect(again.code).toBe(1); // not empty: needs --force
      expect((await cli(['restore', file, '--data-dir', freshDir, '--force'])).code).toBe(0);

      const second = await startTestServer({ dataDir: freshDir });
      const reader = connectClient(second.wsUrl, 'board.live');
      const description = connectClient(second.wsUrl, 'board.live.card.c1');
      await Promise.all([whenSynced(reader), whenSynced(description)]);
      expect(reader.text.toString().startsWith(before)).toBe(true);
      expect(description.text.toString()).toBe('description');
    } finally {
      clearInterval(typing);
    }
  });

  it('refuses a truncated backup', async () => {
    const dir = await tempDir();
    const file = join(dir, 'cut.ndjson');
    await writeFile(
      file,
      '{"format":"trellis-backup","version":1,"createdAt":"x"}\n{"room":"a","state":"AAA="}\n',
    );
    const result = await cli(['restore', file, '--data-dir', join(dir, 'data')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('truncated');
  });
});

/** A card description shaped as Lexical stores it through @lexical/yjs. */
function writeDescription(doc: Y.Doc): void {
  const root = doc.get('root', Y.XmlText);
  const heading = new Y.XmlText();
  const paragraph = new Y.XmlText();
  root.insertEmbed(0, heading);
  root.insertEmbed(1, paragraph);
  heading.setAttribute('__type', 'heading');
  heading.setAttribute('__tag', 'h2');
  const plain = new Y.Map();
  heading.insertEmbed(0, plain);
  plain.set('__type', 'text');
  plain.set('__format', 0);
  heading.insert(1, 'Steps');
  paragraph.setAttribute('__type', 'paragraph');
  const bold = new Y.Map();
  paragraph.insertEmbed(0, bold);
  bold.set('__type', 'text');
  bold.set('__format', 1);
  paragraph.insert(1, 'Ship it');
}

describe('trellis-server export and import', () => {
  it('export to JSON and Markdown, then import into a fresh server, reproduces the board and its descriptions', async () => {
    const server = await startTestServer({ dataDir: await tempDir() });
    const board = connectClient(server.wsUrl, 'board.exp1');
    await whenSynced(board);
    initBoard(board.doc, { title: 'Launch', createdBy: 'm1' });
    const columnId = readBoard(board.doc).columns[0]!.id;
    const cardId = addCard(board.doc, { columnId, title: 'Write release notes', createdBy: 'm1' });
    const description = connectClient(server.wsUrl, `board.exp1.card.${cardId}`);
    await whenSynced(description);
    writeDescription(description.doc);
    const unrelated = connectClient(server.wsUrl, 'board.other');
    await whenSynced(unrelated);
    unrelated.text.insert(0, 'not exported');
    // A second client holding everything means the server has received (and stored) it.
    const check = connectClient(server.wsUrl, `board.exp1.card.${cardId}`);
    await whenSynced(check);
    await waitUntil(
      () => check.doc.get('root', Y.XmlText).length === 2,
      'the description reached the server',
    );
    const checkBoard = connectClient(server.wsUrl, 'board.exp1');
    await whenSynced(checkBoard);
    await waitUntil(() => readBoard(checkBoard.doc).cards.size === 1, 'the board reached the server');

    const out = join(await tempDir(), 'launch');
    const exported = await cli(['export', 'exp1', '--out', out, '--data-dir', server.dataDir], {
      PORT: String(server.port),
    });
    expect(exported, exported.stderr).toMatchObject({ code: 0 });
    const json = JSON.parse(await readFile(`${out}.json`, 'utf8'));
    expect(json.rooms.map((r: { room: string }) => r.room).sort()).toEqual([
      'board.exp1',
      `board.exp1.card.${cardId}`,
    ]);
    expect(json.snapshot.title).toBe('Launch');
    expect(json.descriptions[cardId]).toBe('## Steps\n\n**Ship it**');
    const markdown = await readFile(`${out}.md`, 'utf8');
    expect(markdown).toContain('# Launch');
    expect(markdown).toContain('### Write release notes');
    expect(markdown).toContain('**Ship it**');

    const fresh = await startTestServer({ dataDir: await tempDir() });
    // A server on this machine is reached with the credential in its data directory.
    const imported = await cli(['import', `${out}.json`, '--server', fresh.url, '--data-dir', fresh.dataDir]);
    expect(imported).toMatchObject({ code: 0, stderr: 'imported board exp1: 2 rooms\n' });
    const copy = connectClient(fresh.wsUrl, 'board.exp1');
    const copyDescription = connectClient(fresh.wsUrl, `board.exp1.card.${cardId}`);
    await Promise.all([whenSynced(copy), whenSynced(copyDescription)]);
    expect(readBoard(copy.doc)).toEqual(readBoard(checkBoard.doc));
    expect(copyDescription.doc.get('root', Y.XmlText).toJSON()).toEqual(
      check.doc.get('root', Y.XmlText).toJSON(),
    );
    expect((await fresh.store.list()).map((r) => r.room).sort()).toEqual([
      'board.exp1',
      `board.exp1.card.${cardId}`,
    ]);
  });
});

describe('trellis-server list, inspect and compact on a stopped server', () => {
  it('work on the data directory directly', async () => {
    const dataDir = await tempDir();
    const server = await startTestServer({ dataDir, compactThreshold: 1_000 });
    const client = connectClient(server.wsUrl, 'board.ls');
    await whenSynced(client);
    const peer = connectClient(server.wsUrl, 'board.ls');
    await whenSynced(peer);
    initBoard(client.doc, { title: 'Listed', createdBy: 'm1' });
    // One stored entry per edit: each waits until the peer has it.
    for (let i = 0; i < 5; i++) {
      client.doc.getMap('extra').set(`k${i}`, i);
      await waitUntil(() => peer.doc.getMap('extra').size === i + 1, `edit ${i} stored`);
    }
    expect((await server.store.list())[0]!.entries).toBeGreaterThan(1);
    await cleanup();
    await server.close();

    const listed = await cli(['list', '--json', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    const rooms = JSON.parse(listed.stdout) as Array<{ room: string; entries: number; updatedAt: number }>;
    expect(rooms).toHaveLength(1);
    // The room was compacted when it unloaded at shutdown.
    expect(rooms[0]).toMatchObject({ room: 'board.ls', entries: 1 });
    expect(rooms[0]!.updatedAt).toBeGreaterThan(0);
    const table = await cli(['list', '--data-dir', dataDir]);
    expect(table.stdout).toMatch(/^ROOM\s+BYTES\s+UPDATES\s+LAST CHANGE/);
    expect(table.stdout).toContain('board.ls');

    const inspected = await cli(['inspect', 'board.ls', '--data-dir', dataDir]);
    expect(inspected.code).toBe(0);
    const view = JSON.parse(inspected.stdout);
    expect(view).toMatchObject({
      room: 'board.ls',
      kind: 'board',
      board: { title: 'Listed', initialised: true },
    });
    expect(view.board.columns.map((c: { title: string }) => c.title)).toEqual(['To do', 'Doing', 'Done']);
    expect((await cli(['inspect', 'board.none', '--data-dir', dataDir])).code).toBe(1);
    const missing = await cli(['list', '--data-dir', join(dataDir, 'nope')]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain('no data directory');

    const compacted = await cli(['compact', '--data-dir', dataDir]);
    expect(compacted).toMatchObject({ code: 0, stderr: 'compacted 1 rooms\n' });
    const restarted = await startTestServer({ dataDir });
    const doc = storedDoc((await restarted.store.load('board.ls')).updates);
    expect(readBoard(doc).title).toBe('Listed');
    expect(doc.getMap('extra').size).toBe(5);
  });

  it('find the running server through its data directory, whatever port it listens on', async () => {
    const dataDir = await tempDir();
    const server = await startTestServer({ dataDir });
    const client = connectClient(server.wsUrl, 'board.found');
    await whenSynced(client);
    client.text.insert(0, 'x');
    await waitUntil(() => server.core.rooms.get('board.found')?.writes.busy === false, 'the edit stored');
    // No PORT, no --server: only the data directory says where the server is.
    const listed = await cli(['list', '--json', '--data-dir', dataDir], {});
    expect(listed, listed.stderr).toMatchObject({ code: 0 });
    expect((JSON.parse(listed.stdout) as Array<{ room: string }>).map((r) => r.room)).toContain(
      'board.found',
    );
  });

  it('compact merges an update log while the server runs', async () => {
    const dataDir = await tempDir();
    const server = await startTestServer({ dataDir, compactThreshold: 1_000 });
    const client = connectClient(server.wsUrl, 'room-log');
    const peer = connectClient(server.wsUrl, 'room-log');
    await Promise.all([whenSynced(client), whenSynced(peer)]);
    for (let i = 0; i < 5; i++) {
      client.text.insert(client.text.length, `${i}`);
      await waitUntil(() => peer.text.length === i + 1, `edit ${i} stored`);
    }
    const before = (await server.store.list()).find((r) => r.room === 'room-log')!;
    expect(before.entries).toBeGreaterThan(1);
    const result = await cli(['compact', 'room-log', '--server', server.url, '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    expect((await server.store.list()).find((r) => r.room === 'room-log')!.entries).toBe(1);
    expect(
      storedDoc((await server.store.load('room-log')).updates)
        .getText('t')
        .toString(),
    ).toBe('01234');
  });
});
