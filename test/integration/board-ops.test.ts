/**
 * Per-board operations while the server runs (S12), end to end: the CLI against a real server (its
 * admin endpoints) or its stopped data directory, and stock y-websocket providers connected
 * throughout.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, initBoard, readBoard, renameBoard, updateCard } from '../../shared/board';
import { CloseCode } from '../../shared/protocol';
import { secretKey } from '../../sync-server/auth/tokens';
import { waitUntil } from '../support/wait';
import { TEST_SECRET, token, tryUpgrade, whenProviderClosed } from './auth-support';
import { cli } from './support/cli';
import { cleanup, connectClient, startTestServer, type TestClient, whenSynced } from './support/harness';

const dirs: string[] = [];
afterEach(async () => {
  await cleanup();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-board-ops-'));
  dirs.push(dir);
  return dir;
}

function descriptionRoot(client: TestClient): Y.XmlText {
  return client.doc.get('root', Y.XmlText) as Y.XmlText;
}

/** One paragraph as @lexical/yjs stores it (an XmlText block holding a text node's map and its text). */
function writeParagraph(client: TestClient, words: string): void {
  const root = descriptionRoot(client);
  const paragraph = new Y.XmlText();
  root.insertEmbed(root.length, paragraph);
  paragraph.setAttribute('__type', 'paragraph');
  const node = new Y.Map();
  paragraph.insertEmbed(0, node);
  node.set('__type', 'text');
  node.set('__format', 0);
  paragraph.insert(1, words);
}

function descriptionText(client: TestClient): string {
  return JSON.stringify(descriptionRoot(client).toJSON());
}

/** A second client's copy shows `done`: the server has received (and, S2, stored) the change. */
async function serverHas(wsUrl: string, room: string, done: (client: TestClient) => boolean, what: string) {
  const watcher = connectClient(wsUrl, room);
  await whenSynced(watcher);
  await waitUntil(() => done(watcher), what);
  watcher.destroy();
}

describe('trellis-server rollback', () => {
  it('[S12.1] through the running server: connected providers see the backup content live, a later edit merges and is stored, and the saved copy undoes the rollback', async () => {
    const dataDir = await tempDir();
    const server = await startTestServer({ dataDir });
    const board = connectClient(server.wsUrl, 'board.rb');
    await whenSynced(board);
    initBoard(board.doc, { title: 'Launch', createdBy: 'm1' });
    const columnId = readBoard(board.doc).columns[0]!.id;
    const cardId = addCard(board.doc, { columnId, title: 'Write notes', createdBy: 'm1' });
    const description = connectClient(server.wsUrl, `board.rb.card.${cardId}`);
    await whenSynced(description);
    writeParagraph(description, 'Original steps');
    const unrelated = connectClient(server.wsUrl, 'board.other');
    await whenSynced(unrelated);
    unrelated.text.insert(0, 'untouched');
    const backupBoard = readBoard(board.doc);
    const backupDescription = descriptionText(description);
    await serverHas(
      server.wsUrl,
      `board.rb.card.${cardId}`,
      (c) => descriptionRoot(c).length === 1,
      'stored',
    );
    await serverHas(server.wsUrl, 'board.rb', (c) => readBoard(c.doc).cards.size === 1, 'stored');
    const file = join(dataDir, '..', `${dataDir.split('/').pop()}.backup`);
    dirs.push(file);
    expect((await cli(['backup', file, '--data-dir', dataDir])).code).toBe(0);

    // After the backup: the board renamed, a card added and retitled, a description rewritten,
    // and a description created that the backup does not have.
    renameBoard(board.doc, 'Renamed');
    const laterCard = addCard(board.doc, { columnId, title: 'Added later', createdBy: 'm2' });
    updateCard(board.doc, cardId, { title: 'Retitled' });
    descriptionRoot(description).delete(0, 1);
    writeParagraph(description, 'Rewritten');
    const newer = connectClient(server.wsUrl, `board.rb.card.${laterCard}`);
    await whenSynced(newer);
    writeParagraph(newer, 'Only after the backup');
    await serverHas(server.wsUrl, 'board.rb', (c) => readBoard(c.doc).title === 'Renamed', 'edits stored');
    await serverHas(
      server.wsUrl,
      `board.rb.card.${laterCard}`,
      (c) => descriptionRoot(c).length === 1,
      'new',
    );
    const beforeRollback = readBoard(board.doc);

    const keep = join(await tempDir(), 'before.backup');
    const result = await cli(['rollback', 'rb', file, '--keep', keep, '--data-dir', dataDir]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stderr).toContain('rolled back board rb to');
    expect(result.stderr).toContain('3 rooms changed');
    expect(result.stderr).toContain(keep);

    // Live, without reconnecting: the providers merged the change.
    await waitUntil(() => readBoard(board.doc).title === 'Launch', 'the board returned to the backup');
    expect(readBoard(board.doc)).toEqual(backupBoard);
    await waitUntil(() => descriptionText(description) === backupDescription, 'the description returned');
    await waitUntil(() => descriptionRoot(newer).length === 0, 'the description made later is empty');
    expect(board.provider.wsconnected && description.provider.wsconnected).toBe(true);
    expect(unrelated.text.toString()).toBe('untouched');

    // A later edit applies on top, reaches the others and is stored.
    updateCard(board.doc, cardId, { title: 'Edited after the rollback' });
    await serverHas(
      server.wsUrl,
      'board.rb',
      (c) => readBoard(c.doc).cards.get(cardId)?.title === 'Edited after the rollback',
      'the later edit was stored',
    );
    expect((await stat(keep)).mode & 0o777).toBe(0o600);

    // The copy saved just before undoes the rollback (the later edit is taken back too).
    const undo = await cli([
      'rollback',
      'rb',
      keep,
      '--keep',
      join(await tempDir(), 'x'),
      '--data-dir',
      dataDir,
    ]);
    expect(undo, undo.stderr).toMatchObject({ code: 0 });
    await waitUntil(() => readBoard(board.doc).title === 'Renamed', 'the rollback was undone');
    expect(readBoard(board.doc)).toEqual(beforeRollback);
    await waitUntil(() => descriptionRoot(newer).length === 1, 'the later description is back');

    // Stored: a restart serves the same content.
    await server.close();
    const again = await startTestServer({ dataDir });
    const fresh = connectClient(again.wsUrl, 'board.rb');
    await whenSynced(fresh);
    expect(readBoard(fresh.doc)).toEqual(beforeRollback);
  });

  it('[S12.1] on a stopped data directory, from a board export; a backup without the board, or an altered one, changes nothing', async () => {
    const dataDir = await tempDir();
    const server = await startTestServer({ dataDir });
    const writer = connectClient(server.wsUrl, 'board.st');
    await whenSynced(writer);
    writer.text.insert(0, 'backed up');
    await serverHas(server.wsUrl, 'board.st', (c) => c.text.length > 0, 'stored');
    const file = join(await tempDir(), 'st.backup');
    expect((await cli(['backup', file, '--data-dir', dataDir])).code).toBe(0);
    const exported = join(await tempDir(), 'st-export');
    expect((await cli(['export', 'st', '--out', exported, '--data-dir', dataDir])).code).toBe(0);
    writer.text.insert(writer.text.length, ' and changed');
    await serverHas(server.wsUrl, 'board.st', (c) => c.text.toString().endsWith('changed'), 'stored');
    await server.close();

    const otherBoard = await cli(['rollback', 'nosuch', file, '--data-dir', dataDir]);
    expect(otherBoard.code).toBe(1);
    expect(otherBoard.stderr).toContain('holds no room of board nosuch');
    const altered = join(await tempDir(), 'altered.backup');
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    const room = JSON.parse(lines[1]!);
    room.sha256 = '0'.repeat(64);
    lines[1] = JSON.stringify(room);
    await writeFile(altered, lines.join('\n'));
    const refused = await cli(['rollback', 'st', altered, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('checksum mismatch');

    const keep = join(await tempDir(), 'keep.backup');
    const done = await cli(['rollback', 'st', `${exported}.json`, '--keep', keep, '--data-dir', dataDir]);
    expect(done, done.stderr).toMatchObject({ code: 0 });
    const restarted = await startTestServer({ dataDir });
    const reader = connectClient(restarted.wsUrl, 'board.st');
    await whenSynced(reader);
    expect(reader.text.toString()).toBe('backed up');
    expect(await readFile(keep, 'utf8')).toContain('"room":"board.st"');
  });
});

describe('trellis-server delete', () => {
  it('[S12.2] closes connected providers with 4410 (they stop reconnecting), purges the board and its descriptions, keeps other boards; a fresh load is empty', async () => {
    const dataDir = await tempDir();
    const server = await startTestServer({ dataDir });
    const board = connectClient(server.wsUrl, 'board.del');
    const description = connectClient(server.wsUrl, 'board.del.card.c1');
    const kept = connectClient(server.wsUrl, 'board.keep');
    await Promise.all([whenSynced(board), whenSynced(description), whenSynced(kept)]);
    board.text.insert(0, 'board content');
    description.text.insert(0, 'description content');
    kept.text.insert(0, 'kept');
    await serverHas(server.wsUrl, 'board.del.card.c1', (c) => c.text.length > 0, 'stored');
    await serverHas(server.wsUrl, 'board.keep', (c) => c.text.length > 0, 'stored');
    const boardClosed = whenProviderClosed(board.provider);
    const descriptionClosed = whenProviderClosed(description.provider);

    const result = await cli(['delete', 'del', '--data-dir', dataDir]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stderr).toContain('deleted board del: 2 rooms');
    expect(await boardClosed).toMatchObject({ code: CloseCode.deleted });
    expect(await descriptionClosed).toMatchObject({ code: CloseCode.deleted });
    // The stock provider stops on 4400–4499: the deleted content is not pushed straight back.
    expect(board.provider.shouldConnect).toBe(false);
    expect(description.provider.shouldConnect).toBe(false);
    expect(kept.provider.wsconnected).toBe(true);
    expect((await server.store.list()).map((r) => r.room)).toEqual(['board.keep']);

    const fresh = connectClient(server.wsUrl, 'board.del');
    const freshDescription = connectClient(server.wsUrl, 'board.del.card.c1');
    await Promise.all([whenSynced(fresh), whenSynced(freshDescription)]);
    expect(fresh.text.toString()).toBe('');
    expect(freshDescription.text.toString()).toBe('');
    kept.text.insert(kept.text.length, '!');
    await serverHas(
      server.wsUrl,
      'board.keep',
      (c) => c.text.toString() === 'kept!',
      'the other board serves',
    );

    const nothing = await cli(['delete', 'neverwas', '--data-dir', dataDir]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('holds no room of board neverwas');
  });

  it('[S12.2] on a stopped data directory', async () => {
    const dataDir = await tempDir();
    const server = await startTestServer({ dataDir });
    const board = connectClient(server.wsUrl, 'board.gone');
    const kept = connectClient(server.wsUrl, 'board.stay');
    await Promise.all([whenSynced(board), whenSynced(kept)]);
    board.text.insert(0, 'x');
    kept.text.insert(0, 'y');
    await serverHas(server.wsUrl, 'board.gone', (c) => c.text.length > 0, 'stored');
    await serverHas(server.wsUrl, 'board.stay', (c) => c.text.length > 0, 'stored');
    board.destroy();
    kept.destroy();
    await server.close();
    const result = await cli(['delete', 'gone', '--data-dir', dataDir]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    const listed = await cli(['list', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(listed.stdout).map((r: { room: string }) => r.room)).toEqual(['board.stay']);
  });
});

async function access(url: string, room: string, accessToken: string): Promise<number> {
  return (await fetch(`${url}/access/${room}?token=${accessToken}`)).status;
}

describe('trellis-server revoke', () => {
  it('[S12.3] an open socket with an older token is closed with 4401, the token is refused at upgrade (401), a token minted afterwards works; it survives a restart', async () => {
    const dataDir = await tempDir();
    const server = await startTestServer({ dataDir, authSecret: TEST_SECRET });
    const old = await token({ boards: ['rv'] });
    const oldRead = await token({ boards: ['rv'], role: 'read' });
    const otherBoard = await token({ boards: ['other'] });
    // A token from another issuer with only `iat` (seconds) counts from then.
    const iatOnly = await new SignJWT({ boards: ['rv'], role: 'write' })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('trellis')
      .setIssuedAt()
      .sign(secretKey(TEST_SECRET).key as Uint8Array);
    const writer = connectClient(server.wsUrl, 'board.rv', { params: { token: old } });
    const reader = connectClient(server.wsUrl, 'board.rv.card.c1', { params: { token: oldRead } });
    const bystander = connectClient(server.wsUrl, 'board.other', { params: { token: otherBoard } });
    await Promise.all([whenSynced(writer), whenSynced(reader), whenSynced(bystander)]);
    const writerClosed = whenProviderClosed(writer.provider);
    const readerClosed = whenProviderClosed(reader.provider);

    const result = await cli(['revoke', 'rv', '--data-dir', dataDir], { AUTH_SECRET: TEST_SECRET });
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stderr).toContain('revoked every link to board rv minted before');
    expect(result.stderr).toContain('2 connections closed');
    expect(await writerClosed).toEqual({ code: CloseCode.tokenExpired, reason: 'token revoked' });
    expect(await readerClosed).toMatchObject({ code: 4401 });
    expect(writer.provider.shouldConnect).toBe(false);
    expect(bystander.provider.wsconnected).toBe(true);
    for (const refused of [old, oldRead, iatOnly]) {
      expect(await tryUpgrade(`${server.wsUrl}/board.rv?token=${refused}`)).toMatchObject({
        kind: 'refused',
        status: 401,
        body: 'token revoked',
      });
    }
    expect(await access(server.url, 'board.rv.card.c1', old)).toBe(401);
    // Nor can it mint a fresh link, which would outlive the revocation.
    const share = await fetch(`${server.url}/share/rv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${old}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'read', expiresInSeconds: 3600 }),
    });
    expect(share.status).toBe(401);
    expect(await access(server.url, 'board.other', otherBoard)).toBe(200);

    const minted = await cli(['token', '--board', 'rv', '--role', 'write', '--token-only'], {
      AUTH_SECRET: TEST_SECRET,
    });
    const fresh = minted.stdout.trim();
    const opened = await tryUpgrade(`${server.wsUrl}/board.rv?token=${fresh}`);
    expect(opened.kind).toBe('open');
    if (opened.kind === 'open') opened.ws.close();
    const again = connectClient(server.wsUrl, 'board.rv.card.c1', { params: { token: fresh } });
    await whenSynced(again);

    await server.close();
    const restarted = await startTestServer({ dataDir, authSecret: TEST_SECRET });
    expect(await tryUpgrade(`${restarted.wsUrl}/board.rv?token=${old}`)).toMatchObject({ status: 401 });
    const afterRestart = await tryUpgrade(`${restarted.wsUrl}/board.rv?token=${fresh}`);
    expect(afterRestart.kind).toBe('open');
    if (afterRestart.kind === 'open') afterRestart.ws.close();
  });

  it('[S12.3] on a stopped data directory, it holds from the next start', async () => {
    const dataDir = await tempDir();
    const old = await token({ boards: ['cold'] });
    const result = await cli(['revoke', 'cold', '--data-dir', dataDir]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    const server = await startTestServer({ dataDir, authSecret: TEST_SECRET });
    expect(await tryUpgrade(`${server.wsUrl}/board.cold?token=${old}`)).toMatchObject({ status: 401 });
    const fresh = await token({ boards: ['cold'] });
    const opened = await tryUpgrade(`${server.wsUrl}/board.cold?token=${fresh}`);
    expect(opened.kind).toBe('open');
    if (opened.kind === 'open') opened.ws.close();
  });
});
