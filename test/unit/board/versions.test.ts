/**
 * Restoring a card or the whole board to an earlier version (shared/board/mutations/versions.ts): a new
 * change on top of the present that merges with concurrent edits, undoes in one step and records its feed
 * entry. Rules B16.x.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addCard,
  addColumn,
  addLabel,
  createBoardUndoManager,
  deleteCard,
  deleteColumn,
  deleteLabel,
  initBoard,
  type MutationOptions,
  moveCard,
  purgeCard,
  readActivity,
  readBoard,
  recordDescriptionRestore,
  renameBoard,
  restoreBoardToVersion,
  restoreCardToVersion,
  updateCard,
} from '../../../shared/board';
import { replica, syncAll } from './helpers';

const ORIGIN = 'me';

function setup(clientId = 1) {
  const { doc, opts } = replica(clientId);
  const alice: MutationOptions = { ...opts, actor: 'alice', origin: ORIGIN };
  initBoard(doc, { title: 'Team', createdBy: 'alice' }, alice);
  return { doc, alice };
}

/** The version as the client rebuilds it from the server's bytes. */
function versionOf(doc: Y.Doc): Y.Doc {
  const version = new Y.Doc();
  Y.applyUpdate(version, Y.encodeStateAsUpdate(doc));
  return version;
}

/** What a person sees of the board: per column, its title and its cards with their fields. */
function shown(doc: Y.Doc) {
  const board = readBoard(doc);
  return {
    title: board.title,
    columns: board.columns.map((column) => ({
      id: column.id,
      title: column.title,
      cards: column.cards.map(({ id, title, labels, assignees, due }) => ({
        id,
        title,
        labels,
        assignees,
        due,
      })),
    })),
    archived: board.archivedCards.map((card) => card.id),
    labels: board.labels.map(({ id, name, color }) => ({ id, name, color })),
  };
}

const VERSION_TIME = 1_699_000_000_000;

describe('restoring a card to a version', () => {
  it('[B16.2] brings back its title, due date, labels, assignees and column, and records one entry', () => {
    const { doc, alice } = setup();
    const label = addLabel(doc, { name: 'bug', color: '#e03131' }, alice);
    const id = addCard(doc, { columnId: 'default-0', title: 'Fix login', createdBy: 'alice' }, alice);
    updateCard(doc, id, { labels: [label], assignees: ['bob'], due: '2026-12-03' }, alice);
    const version = versionOf(doc);
    updateCard(doc, id, { title: 'Fix logout', labels: [], assignees: ['carol'], due: null }, alice);
    moveCard(doc, id, { columnId: 'default-2', index: 0 }, alice);
    const before = readActivity(doc).length;

    expect(restoreCardToVersion(doc, version, id, VERSION_TIME, alice)).toBe(true);
    const card = readBoard(doc).cards.get(id);
    expect(card).toMatchObject({
      title: 'Fix login',
      columnId: 'default-0',
      labels: [label],
      assignees: ['bob'],
      due: '2026-12-03',
    });
    const entries = readActivity(doc);
    expect(entries.length).toBe(before + 1);
    expect(entries[0]).toMatchObject({
      kind: 'card.reverted',
      card: { id, title: 'Fix login' },
      version: VERSION_TIME,
      by: 'alice',
    });
  });

  it('[B16.2] a card deleted since comes back out of the trash; one already as it was writes nothing', () => {
    const { doc, alice } = setup();
    const id = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, alice);
    const version = versionOf(doc);
    deleteCard(doc, id, alice);
    expect(readBoard(doc).cards.has(id)).toBe(false);
    expect(restoreCardToVersion(doc, version, id, VERSION_TIME, alice)).toBe(true);
    expect(readBoard(doc).cards.get(id)?.columnId).toBe('default-0');
    expect(readBoard(doc).trash).toEqual([]);

    const entries = readActivity(doc).length;
    const update = captureUpdate(doc, () => restoreCardToVersion(doc, version, id, VERSION_TIME, alice));
    expect(update).toBeNull();
    expect(readActivity(doc).length).toBe(entries);
  });

  it('[B16.2] a card purged since stays purged; a card not in the version is refused', () => {
    const { doc, alice } = setup();
    const id = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, alice);
    const version = versionOf(doc);
    const later = addCard(doc, { columnId: 'default-0', title: 'B', createdBy: 'alice' }, alice);
    deleteCard(doc, id, alice);
    purgeCard(doc, id, alice);
    expect(restoreCardToVersion(doc, version, id, VERSION_TIME, alice)).toBe(false);
    expect(restoreCardToVersion(doc, version, later, VERSION_TIME, alice)).toBe(false);
    expect(readBoard(doc).cards.has(id)).toBe(false);
  });

  it('[B16.2] its column deleted since: the card stays where it is, or goes to the first live column', () => {
    const { doc, alice } = setup();
    const id = addCard(doc, { columnId: 'default-1', title: 'A', createdBy: 'alice' }, alice);
    const version = versionOf(doc);
    moveCard(doc, id, { columnId: 'default-2', index: 0 }, alice);
    deleteColumn(doc, 'default-1', alice);
    updateCard(doc, id, { title: 'changed' }, alice);
    expect(restoreCardToVersion(doc, version, id, VERSION_TIME, alice)).toBe(true);
    expect(readBoard(doc).cards.get(id)).toMatchObject({ title: 'A', columnId: 'default-2' });
  });

  it('[B16.2][B10] one undo step takes the restore and its entry back', () => {
    const { doc, alice } = setup();
    const undo = createBoardUndoManager(doc, ORIGIN);
    const id = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, alice);
    const version = versionOf(doc);
    updateCard(doc, id, { title: 'B', due: '2026-01-01' }, alice);
    moveCard(doc, id, { columnId: 'default-1', index: 0 }, alice);
    const beforeRestore = shown(doc);
    const entries = readActivity(doc).map((entry) => entry.id);
    restoreCardToVersion(doc, version, id, VERSION_TIME, alice);
    undo.undo();
    expect(shown(doc)).toEqual(beforeRestore);
    expect(readActivity(doc).map((entry) => entry.id)).toEqual(entries);
  });

  it('[B16.2][B3] concurrent with an edit of another card, that edit stays, and so does a concurrent edit of another field', () => {
    const a = setup(1);
    const b = replica(2);
    const bob: MutationOptions = { ...b.opts, actor: 'bob' };
    const x = addCard(a.doc, { columnId: 'default-0', title: 'X', createdBy: 'alice' }, a.alice);
    const y = addCard(a.doc, { columnId: 'default-0', title: 'Y', createdBy: 'alice' }, a.alice);
    const version = versionOf(a.doc);
    updateCard(a.doc, x, { title: 'X later' }, a.alice);
    syncAll(a.doc, b.doc);
    // Alice restores X while Bob, not having seen it, renames Y and sets X's due date.
    restoreCardToVersion(a.doc, version, x, VERSION_TIME, a.alice);
    updateCard(b.doc, y, { title: 'Y by Bob' }, bob);
    updateCard(b.doc, x, { due: '2026-12-24' }, bob);
    syncAll(a.doc, b.doc);
    for (const doc of [a.doc, b.doc]) {
      expect(readBoard(doc).cards.get(x)).toMatchObject({ title: 'X', due: '2026-12-24' });
      expect(readBoard(doc).cards.get(y)?.title).toBe('Y by Bob');
    }
    expect(shown(a.doc)).toEqual(shown(b.doc));
  });
});

describe('restoring the board to a version', () => {
  it('[B16.3] the board shows what it showed then; what was created since is in the trash, not gone', () => {
    const { doc, alice } = setup();
    const label = addLabel(doc, { name: 'bug', color: '#e03131' }, alice);
    const a = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, alice);
    const b = addCard(doc, { columnId: 'default-1', title: 'B', createdBy: 'alice' }, alice);
    const archived = addCard(doc, { columnId: 'default-1', title: 'old', createdBy: 'alice' }, alice);
    updateCard(doc, archived, { archived: true }, alice);
    updateCard(doc, a, { labels: [label] }, alice);
    const version = versionOf(doc);
    const then = shown(doc);

    // Later: renames, moves, a delete, a new column with a new card, a new card elsewhere, a deleted label.
    renameBoard(doc, 'Renamed', alice);
    updateCard(doc, a, { title: 'A2' }, alice);
    moveCard(doc, b, { columnId: 'default-0', index: 0 }, alice);
    updateCard(doc, archived, { archived: false }, alice);
    deleteLabel(doc, label, alice);
    deleteColumn(doc, 'default-2', alice);
    const column = addColumn(doc, { title: 'QA' }, alice);
    const inNew = addCard(doc, { columnId: column, title: 'N', createdBy: 'alice' }, alice);
    const elsewhere = addCard(doc, { columnId: 'default-0', title: 'E', createdBy: 'alice' }, alice);
    moveCard(doc, a, { columnId: column, index: 0 }, alice);

    const result = restoreBoardToVersion(doc, version, VERSION_TIME, alice);
    expect(result).toMatchObject({ trashedCards: 2 });
    expect(shown(doc)).toEqual(then);
    const trash = readBoard(doc).trash;
    const trashedColumn = trash.find((item) => item.kind === 'column' && item.id === column);
    expect(trashedColumn?.kind === 'column' && trashedColumn.cards.map((c) => c.id)).toEqual([inNew]);
    expect(trash.some((item) => item.kind === 'card' && item.id === elsewhere)).toBe(true);
    expect(readActivity(doc)[0]).toMatchObject({
      kind: 'board.reverted',
      version: VERSION_TIME,
      by: 'alice',
    });
  });

  it('[B16.3][B10] is one undo step; a board already as it was writes nothing', () => {
    const { doc, alice } = setup();
    const undo = createBoardUndoManager(doc, ORIGIN);
    addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, alice);
    const version = versionOf(doc);
    expect(restoreBoardToVersion(doc, version, VERSION_TIME, alice)).toBeNull();
    addCard(doc, { columnId: 'default-1', title: 'B', createdBy: 'alice' }, alice);
    renameBoard(doc, 'Other', alice);
    const before = shown(doc);
    restoreBoardToVersion(doc, version, VERSION_TIME, alice);
    expect(shown(doc)).not.toEqual(before);
    undo.undo();
    expect(shown(doc)).toEqual(before);
  });

  it('[B16.3] a card added and a card edited concurrently by someone who had not seen the restore both stay', () => {
    const a = setup(1);
    const b = replica(2);
    const bob: MutationOptions = { ...b.opts, actor: 'bob' };
    const x = addCard(a.doc, { columnId: 'default-0', title: 'X', createdBy: 'alice' }, a.alice);
    const version = versionOf(a.doc);
    addCard(a.doc, { columnId: 'default-0', title: 'later', createdBy: 'alice' }, a.alice);
    syncAll(a.doc, b.doc);
    restoreBoardToVersion(a.doc, version, VERSION_TIME, a.alice);
    const added = addCard(b.doc, { columnId: 'default-1', title: 'Bob’s', createdBy: 'bob' }, bob);
    updateCard(b.doc, x, { title: 'X by Bob' }, bob);
    syncAll(a.doc, b.doc);
    for (const doc of [a.doc, b.doc]) {
      const board = readBoard(doc);
      expect(board.cards.get(added)?.title).toBe('Bob’s');
      expect(board.cards.get(x)?.title).toBe('X by Bob');
      expect([...board.cards.values()].map((card) => card.title).sort()).toEqual(['Bob’s', 'X by Bob']);
    }
  });
});

describe('restoring a description', () => {
  it('[B16.4] records one entry naming the card and the version; nothing for a card that is gone', () => {
    const { doc, alice } = setup();
    const id = addCard(doc, { columnId: 'default-0', title: 'Notes', createdBy: 'alice' }, alice);
    expect(recordDescriptionRestore(doc, id, VERSION_TIME, alice)).toBe(true);
    expect(readActivity(doc)[0]).toMatchObject({
      kind: 'card.descriptionReverted',
      card: { id, title: 'Notes' },
      version: VERSION_TIME,
    });
    expect(recordDescriptionRestore(doc, 'nope', VERSION_TIME, alice)).toBe(false);
  });
});

/** The update a function writes, or null if it wrote nothing. */
function captureUpdate(doc: Y.Doc, fn: () => void): Uint8Array | null {
  let update: Uint8Array | null = null;
  const handler = (u: Uint8Array) => {
    update = u;
  };
  doc.on('update', handler);
  fn();
  doc.off('update', handler);
  return update;
}
