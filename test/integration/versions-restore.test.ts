/**
 * Restoring a version end to end with the real server (B16.2, S13.4): the client's version source lists
 * and fetches the board's versions with a read token, but a restore is an edit, and a read-only
 * connection's edits are dropped: the stored board and its newest version stay as they were. The same
 * restore made with a write token reaches everyone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { httpVersionSource } from '../../client/history/versions/version-source';
import { addCard, initBoard, readBoard, restoreCardToVersion, updateCard } from '../../shared/board';
import { OffsetClock } from '../../sync-server/history/test-clock';
import { waitForAsync, waitUntil } from '../support/wait';
import { TEST_SECRET, token } from './auth-support';
import { cleanup, connectClient, startTestServer, type TestClient, whenSynced } from './support/harness';

const HOUR = 3_600_000;

afterEach(cleanup);

/** Resolves once `from`'s frames sent before now have been handled by the server (its presence arrived). */
async function whenHandled(from: TestClient, seenBy: TestClient, marker: string): Promise<void> {
  from.provider.awareness.setLocalStateField('marker', marker);
  await waitUntil(
    () => [...seenBy.provider.awareness.getStates().values()].some((state) => state.marker === marker),
    `the server relayed ${marker}`,
  );
}

async function boardFromServer(wsUrl: string, params: Record<string, string>) {
  const fresh = connectClient(wsUrl, 'board.A', { params });
  await whenSynced(fresh);
  const board = readBoard(fresh.doc);
  fresh.destroy();
  return board;
}

describe('restoring a version through the server', () => {
  it('[B16.2][S13.4] a read token lists and fetches the versions, but its restore is dropped; a writer’s restore reaches everyone', async () => {
    const clock = new OffsetClock(-2 * HOUR);
    const server = await startTestServer({ authSecret: TEST_SECRET }, { clock });
    const write = await token({ boards: ['A'], role: 'write' });
    const read = await token({ boards: ['A'], role: 'read' });
    const writer = connectClient(server.wsUrl, 'board.A', { params: { token: write } });
    await whenSynced(writer);
    // One change: the board as first created, with its card (each update a client sends is a version).
    const cardId = writer.doc.transact(() => {
      initBoard(writer.doc, { title: 'Team', createdBy: 'alice' });
      return addCard(writer.doc, { columnId: 'default-0', title: 'Fix login', createdBy: 'alice' });
    });
    const source = (tokenText: string) =>
      httpVersionSource({ serverUrl: server.wsUrl, token: tokenText, isOnline: () => true });
    await waitForAsync(
      async () => (await source(write).list('board.A')).versions.length >= 1,
      'first version',
    );
    clock.offsetMs = -HOUR;
    updateCard(writer.doc, cardId, { title: 'Fix logout' }, { actor: 'alice' });
    await waitForAsync(
      async () => (await source(write).list('board.A')).versions.length >= 2,
      'second version',
    );
    clock.offsetMs = 0;

    // The reader's own copy of the client code asks the server, with the read token.
    const versions = await source(read).list('board.A');
    const oldest = versions.versions.at(-1);
    if (!oldest) throw new Error('no version listed');
    const version = new Y.Doc();
    Y.applyUpdate(version, await source(read).version('board.A', oldest.time));
    expect(readBoard(version).cards.get(cardId)?.title).toBe('Fix login');
    const description = await source(read).list(`board.A.card.${cardId}`);
    expect(description.versions).toEqual([]);

    const reader = connectClient(server.wsUrl, 'board.A', { params: { token: read } });
    await whenSynced(reader);
    expect(restoreCardToVersion(reader.doc, version, cardId, oldest.time, { actor: 'reader' })).toBe(true);
    expect(readBoard(reader.doc).cards.get(cardId)?.title).toBe('Fix login');
    await whenHandled(reader, writer, 'after the reader restored');
    expect(readBoard(writer.doc).cards.get(cardId)?.title).toBe('Fix logout');
    expect((await boardFromServer(server.wsUrl, { token: write })).cards.get(cardId)?.title).toBe(
      'Fix logout',
    );
    const newest = await source(read).list('board.A');
    const latest = new Y.Doc();
    Y.applyUpdate(latest, await source(read).version('board.A', newest.versions[0]!.time));
    expect(readBoard(latest).cards.get(cardId)?.title).toBe('Fix logout');

    // The same restore by a writer is stored and reaches the others.
    expect(restoreCardToVersion(writer.doc, version, cardId, oldest.time, { actor: 'alice' })).toBe(true);
    await waitForAsync(
      async () =>
        (await boardFromServer(server.wsUrl, { token: write })).cards.get(cardId)?.title === 'Fix login',
      'the writer’s restore is stored',
    );
  });
});
