/**
 * A card purged from a board's trash takes its description document with it (board rule B15.5): the real
 * server, stock y-websocket providers over loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, deleteCard, initBoard, purgeCard, readBoard, restoreCard } from '../../shared/board';
import { CloseCode } from '../../shared/protocol';
import { waitForAsync, waitUntil } from '../support/wait';
import { whenProviderClosed } from './auth-support';
import { cleanup, connectClient, startTestServer, type TestClient, whenSynced } from './support/harness';

afterEach(cleanup);

function descriptionText(client: TestClient): string {
  return client.doc.getText('body').toString();
}

async function storedRooms(server: { store: { list(): Promise<{ room: string }[]> } }): Promise<string[]> {
  return (await server.store.list()).map(({ room }) => room);
}

describe('purging a card deletes its description on the server', () => {
  it('[B15.5] once the purge is stored, the description room is deleted: its sockets close with 4410 and a new visitor finds it empty', async () => {
    const server = await startTestServer();
    const board = connectClient(server.wsUrl, 'board.purge');
    await whenSynced(board);
    initBoard(board.doc, { title: 'T', createdBy: 'alice' });
    const keep = addCard(board.doc, { columnId: 'default-0', title: 'Keep', createdBy: 'alice' });
    const gone = addCard(board.doc, { columnId: 'default-0', title: 'Gone', createdBy: 'alice' });
    const descriptions = new Map<string, TestClient>();
    for (const id of [keep, gone]) {
      const client = connectClient(server.wsUrl, `board.purge.card.${id}`);
      await whenSynced(client);
      client.doc.getText('body').insert(0, `notes of ${id}`);
      descriptions.set(id, client);
    }
    const goneRoom = `board.purge.card.${gone}`;
    await waitForAsync(
      async () => (await storedRooms(server)).includes(goneRoom),
      'the description is stored',
    );

    // In the trash, the description stays: a restore brings the text back.
    deleteCard(board.doc, gone);
    deleteCard(board.doc, keep);
    restoreCard(board.doc, keep);
    const closed = whenProviderClosed(descriptions.get(gone)!.provider);
    purgeCard(board.doc, gone);
    expect((await closed).code).toBe(CloseCode.deleted);
    await waitForAsync(
      async () => !(await storedRooms(server)).includes(goneRoom),
      'the description is deleted',
    );

    const visitor = connectClient(server.wsUrl, goneRoom);
    await whenSynced(visitor);
    expect(descriptionText(visitor)).toBe('');
    const other = connectClient(server.wsUrl, `board.purge.card.${keep}`);
    await whenSynced(other);
    expect(descriptionText(other)).toBe(`notes of ${keep}`);
    expect(readBoard(board.doc).cards.has(keep)).toBe(true);
  });

  it('[B15.5] a purge record for a card still on the board deletes nothing', async () => {
    const server = await startTestServer();
    const board = connectClient(server.wsUrl, 'board.forged');
    await whenSynced(board);
    initBoard(board.doc, { title: 'T', createdBy: 'alice' });
    const card = addCard(board.doc, { columnId: 'default-0', title: 'Live', createdBy: 'alice' });
    const description = connectClient(server.wsUrl, `board.forged.card.${card}`);
    await whenSynced(description);
    description.doc.getText('body').insert(0, 'still here');
    const closes: number[] = [];
    description.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
    // Written by hand, as a misbehaving peer could: the card is not purged, and a bad id rides along.
    board.doc.getMap('purged').set(card, Date.now());
    board.doc.getMap('purged').set('not a valid id', Date.now());
    // A second board change behind it: once it is stored, the forged record was handled long before.
    const marker = addCard(board.doc, { columnId: 'default-0', title: 'Marker', createdBy: 'alice' });
    const watcher = connectClient(server.wsUrl, 'board.forged');
    await whenSynced(watcher);
    await waitUntil(() => readBoard(watcher.doc).cards.has(marker), 'the server holds the marker');
    // A delete would have closed the description's socket as the forged record was stored.
    expect(closes).toEqual([]);
    const visitor = connectClient(server.wsUrl, `board.forged.card.${card}`, { doc: new Y.Doc() });
    await whenSynced(visitor);
    expect(descriptionText(visitor)).toBe('still here');
  });
});
