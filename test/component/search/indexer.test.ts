import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { SearchIndexer } from '../../../client/search/indexer';
import { indexedDbRoomSource, type RoomSource } from '../../../client/search/room-source';
import { cardKey, SearchIndex } from '../../../client/search/search-index';
import { indexedDbSearchStore } from '../../../client/search/search-store';
import { addCard, deleteCard, initBoard, renameBoard, updateCard } from '../../../shared/board';
import { descriptionRoot } from '../../../shared/description-preview';
import { boardRoom, descriptionRoom } from '../../../shared/room-names';

const open: { persistence: IndexeddbPersistence; doc: Y.Doc }[] = [];
afterEach(async () => {
  for (const { persistence, doc } of open.splice(0)) {
    await persistence.destroy();
    doc.destroy();
  }
  for (const { name } of await indexedDB.databases()) if (name) indexedDB.deleteDatabase(name);
});

/** A document kept in IndexedDB as client/sync keeps it (`trellis:<room>`, y-indexeddb). */
async function held(room: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  const persistence = new IndexeddbPersistence(`trellis:${room}`, doc);
  open.push({ persistence, doc });
  await persistence.whenSynced;
  return doc;
}

/** Writes a paragraph into a description document the way @lexical/yjs lays it out. */
function writeDescription(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const root = descriptionRoot(doc);
    root.delete(0, root.length);
    const paragraph = new Y.XmlText();
    paragraph.setAttribute('__type', 'paragraph');
    root.insertEmbed(0, paragraph);
    paragraph.insertEmbed(0, new Y.Map([['__type', 'text']]));
    paragraph.insert(1, text);
  });
}

/** Waits until y-indexeddb has stored everything of `doc` (its writes are asynchronous, with no event). */
async function stored(room: string, doc: Y.Doc): Promise<void> {
  await vi.waitFor(
    async () => {
      const read = await indexedDbRoomSource().read(room);
      const same = Y.encodeStateVector(read).toString() === Y.encodeStateVector(doc).toString();
      read.destroy();
      if (!same) throw new Error(`${room} is not stored in IndexedDB yet`);
    },
    { timeout: 10_000, interval: 5 },
  );
}

/** A room source that counts which rooms it read. */
function countingSource(): RoomSource & { reads: string[] } {
  const source = indexedDbRoomSource();
  const reads: string[] = [];
  return {
    reads,
    list: () => source.list(),
    read: (room) => {
      reads.push(room);
      return source.read(room);
    },
  };
}

async function boardWithDescription() {
  const board = await held(boardRoom('b1'));
  initBoard(board, { title: 'Launch', createdBy: 'ada' });
  const login = addCard(board, { columnId: 'default-0', title: 'Fix login', createdBy: 'ada' });
  const spec = addCard(board, { columnId: 'default-1', title: 'Write the spec', createdBy: 'ada' });
  const description = await held(descriptionRoom('b1', login));
  writeDescription(description, 'The session cookie expires before the redirect finishes.');
  await stored(boardRoom('b1'), board);
  await stored(descriptionRoom('b1', login), description);
  return { board, description, login, spec };
}

describe('search index over the documents this browser holds', () => {
  it('finds cards by title and by description words, with board, column and snippet', async () => {
    const { login } = await boardWithDescription();
    const indexer = new SearchIndexer(indexedDbSearchStore(), indexedDbRoomSource());
    await indexer.catchUp();
    const [hit] = indexer.index.query('cookie redirect');
    expect(hit?.card).toMatchObject({
      key: cardKey('b1', login),
      title: 'Fix login',
      boardTitle: 'Launch',
      columnTitle: 'To do',
    });
    expect(hit?.snippet.match.toLowerCase()).toBe('cookie');
    expect(`${hit?.snippet.before}${hit?.snippet.match}${hit?.snippet.after}`).toContain(
      'session cookie expires',
    );
    expect(indexer.index.query('spec').map((h) => h.card.columnTitle)).toEqual(['Doing']);
    expect(indexer.index.query('nothing like this')).toEqual([]);
  });

  it('is incremental: a second catch-up reads nothing, a change re-reads only its room, a new page reads none', async () => {
    const { board, description, login } = await boardWithDescription();
    const source = countingSource();
    const indexer = new SearchIndexer(indexedDbSearchStore(), source);
    await indexer.catchUp();
    expect(source.reads.sort()).toEqual([boardRoom('b1'), descriptionRoom('b1', login)].sort());

    source.reads.length = 0;
    await indexer.catchUp();
    expect(source.reads).toEqual([]);

    writeDescription(description, 'Now about the password reset mail.');
    await stored(descriptionRoom('b1', login), description);
    await indexer.catchUp();
    expect(source.reads).toEqual([descriptionRoom('b1', login)]);
    expect(indexer.index.query('cookie')).toEqual([]);
    expect(indexer.index.query('password').map((h) => h.card.title)).toEqual(['Fix login']);

    // Another page: the persisted index answers at once; nothing unchanged is read again.
    const next = countingSource();
    const later = new SearchIndexer(indexedDbSearchStore(), next);
    await later.whenLoaded();
    expect(later.index.query('password').map((h) => h.card.title)).toEqual(['Fix login']);
    await later.catchUp();
    expect(next.reads).toEqual([]);
    void board;
  });

  it('follows an open board live: renames, archived cards, and deleted cards leave the index', async () => {
    const { board, spec } = await boardWithDescription();
    const indexer = new SearchIndexer(indexedDbSearchStore(), indexedDbRoomSource());
    await indexer.catchUp();
    let changes = 0;
    const changed = () =>
      new Promise<void>((resolve) => {
        const stop = indexer.onChange(() => {
          changes += 1;
          stop();
          resolve();
        });
      });
    const stopWatching = indexer.watchBoard('b1', board);
    let next = changed();
    renameBoard(board, 'Launch v2');
    updateCard(board, spec, { title: 'Write the full spec' });
    await next;
    expect(indexer.index.query('full spec').map((h) => `${h.card.boardTitle}: ${h.card.title}`)).toEqual([
      'Launch v2: Write the full spec',
    ]);
    next = changed();
    updateCard(board, spec, { archived: true });
    await next;
    expect(indexer.index.query('spec')[0]?.card.archived).toBe(true);
    next = changed();
    deleteCard(board, spec);
    await next;
    expect(indexer.index.query('spec')).toEqual([]);
    stopWatching();
    expect(changes).toBe(3);
  });

  it('ranks title matches before description matches, and live cards before archived ones', () => {
    const index = new SearchIndex();
    const card = (id: string, title: string, archived = false) => ({
      key: cardKey('b', id),
      boardId: 'b',
      cardId: id,
      boardTitle: 'Board',
      columnTitle: 'To do',
      title,
      archived,
    });
    index.putCard(card('1', 'Notes'));
    index.putDescription({ key: cardKey('b', '1'), text: 'all about the release' });
    index.putCard(card('2', 'Release party'));
    index.putCard(card('3', 'Old release', true));
    expect(index.query('release').map((hit) => hit.card.title)).toEqual([
      'Release party',
      'Notes',
      'Old release',
    ]);
  });
});
