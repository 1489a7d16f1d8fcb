import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import {
  addCard,
  addColumn,
  addLabel,
  BoardInputError,
  createBoardUndoManager,
  DEFAULT_COLUMN_TITLES,
  DESCRIPTION_PREVIEW_KEY,
  defaultColumnId,
  deleteCard,
  deleteColumn,
  deleteLabel,
  initBoard,
  isBoardInitialised,
  MEMBER_SEEN_RESOLUTION_MS,
  moveCard,
  moveColumn,
  newId,
  noteMember,
  onBoardChange,
  readBoard,
  renameBoard,
  renameColumn,
  restoreColumn,
  seededRandom,
  setTrashRetention,
  UNPLACED_COLUMN_ID,
  updateCard,
  updateLabel,
} from '../../../shared/board';
import { PREVIEW_MAX_CHARS } from '../../../shared/description-preview';
import { isValidId } from '../../../shared/room-names';
import { replica, syncAll } from './helpers';

function newBoard() {
  const { doc, opts } = replica(1);
  initBoard(doc, { title: 'Launch', createdBy: 'alice' }, opts);
  return { doc, opts };
}

function titlesOf(doc: Y.Doc, columnIndex: number): string[] {
  return readBoard(doc).columns[columnIndex]?.cards.map((c) => c.title) ?? [];
}

describe('board', () => {
  it('initBoard sets title, creator and the default columns once', () => {
    const { doc, opts } = replica(1);
    expect(isBoardInitialised(doc)).toBe(false);
    expect(readBoard(doc).initialised).toBe(false);
    expect(initBoard(doc, { title: ' Launch ', createdBy: 'alice' }, opts)).toBe(true);
    const board = readBoard(doc);
    expect(board).toMatchObject({ initialised: true, title: 'Launch', createdBy: 'alice' });
    expect(board.createdAt).toBeTypeOf('number');
    expect(board.columns.map((c) => c.title)).toEqual(DEFAULT_COLUMN_TITLES);
    expect(board.columns.map((c) => c.id)).toEqual([0, 1, 2].map(defaultColumnId));
    expect(initBoard(doc, { title: 'Again', createdBy: 'bob' }, opts)).toBe(false);
    expect(readBoard(doc).title).toBe('Launch');
  });

  it('[B8] two replicas initialising the same empty board do not duplicate the default columns', () => {
    const a = replica(1);
    const b = replica(2);
    initBoard(a.doc, { title: 'From A', createdBy: 'alice' }, a.opts);
    initBoard(b.doc, { title: 'From B', createdBy: 'bob' }, b.opts);
    syncAll(a.doc, b.doc);
    const board = readBoard(a.doc);
    expect(board.columns.map((c) => c.title)).toEqual(DEFAULT_COLUMN_TITLES);
    expect(readBoard(b.doc)).toEqual(board);
    expect(['From A', 'From B']).toContain(board.title);
  });

  it('initBoard accepts custom columns and rejects empty titles', () => {
    const { doc } = replica(1);
    expect(() => initBoard(doc, { title: '  ', createdBy: 'a' })).toThrow(BoardInputError);
    initBoard(doc, { title: 'T', createdBy: 'a', columnTitles: ['Backlog'] });
    expect(readBoard(doc).columns.map((c) => c.title)).toEqual(['Backlog']);
  });

  it('renameBoard changes the title, and reports no change for the same title', () => {
    const { doc, opts } = newBoard();
    expect(renameBoard(doc, 'Relaunch', opts)).toBe(true);
    expect(renameBoard(doc, 'Relaunch', opts)).toBe(false);
    expect(readBoard(doc).title).toBe('Relaunch');
    expect(() => renameBoard(doc, 'x'.repeat(201), opts)).toThrow(BoardInputError);
  });

  it('[B12.1] a reading after a change of the board itself (title, retention, members) shows it, whether cards changed too or not', () => {
    const { doc, opts } = newBoard();
    const cardId = addCard(doc, { columnId: defaultColumnId(0), title: 'Card', createdBy: 'ada' }, opts);
    let board = readBoard(doc);
    const next = (check: (b: ReturnType<typeof readBoard>) => void) => {
      board = readBoard(doc, board);
      check(board);
    };
    renameBoard(doc, 'Relaunch', opts);
    next((b) => expect(b.title).toBe('Relaunch'));
    setTrashRetention(doc, 7, opts);
    next((b) => expect(b.trashRetentionDays).toBe(7));
    noteMember(doc, { id: 'grace', name: 'Grace', color: '#1971c2' }, opts);
    next((b) => expect(b.members.map((m) => m.id)).toContain('grace'));
    doc.transact(() => {
      renameBoard(doc, 'Relaunch 2', opts);
      updateCard(doc, cardId, { title: 'Card 2' }, opts);
    });
    next((b) => {
      expect(b.title).toBe('Relaunch 2');
      expect(b.cards.get(cardId)?.title).toBe('Card 2');
    });
    const unchanged = board;
    next((b) => expect(b).toBe(unchanged));
  });
});

describe('columns', () => {
  it('addColumn appends by default and inserts at an index', () => {
    const { doc, opts } = newBoard();
    const last = addColumn(doc, { title: 'Review' }, opts);
    const first = addColumn(doc, { title: 'Ideas', index: 0 }, opts);
    const middle = addColumn(doc, { title: 'Blocked', index: 2 }, opts);
    const columns = readBoard(doc).columns;
    expect(columns.map((c) => c.title)).toEqual(['Ideas', 'To do', 'Blocked', 'Doing', 'Done', 'Review']);
    expect(columns.map((c) => c.id)).toEqual([first, 'default-0', middle, 'default-1', 'default-2', last]);
    expect(isValidId(last)).toBe(true);
  });

  it('renameColumn renames; a missing column is a no-op', () => {
    const { doc, opts } = newBoard();
    expect(renameColumn(doc, 'default-1', 'In progress', opts)).toBe(true);
    expect(renameColumn(doc, 'default-1', 'In progress', opts)).toBe(false);
    expect(renameColumn(doc, 'nope', 'X', opts)).toBe(false);
    expect(readBoard(doc).columns[1]?.title).toBe('In progress');
  });

  it('moveColumn reorders; moving to its own place writes nothing', () => {
    const { doc, opts } = newBoard();
    expect(moveColumn(doc, 'default-2', 0, opts)).toBe(true);
    expect(readBoard(doc).columns.map((c) => c.title)).toEqual(['Done', 'To do', 'Doing']);
    expect(moveColumn(doc, 'default-0', 2, opts)).toBe(true);
    expect(readBoard(doc).columns.map((c) => c.title)).toEqual(['Done', 'Doing', 'To do']);
    expect(moveColumn(doc, 'default-1', 1, opts)).toBe(false);
    expect(moveColumn(doc, 'nope', 1, opts)).toBe(false);
  });

  it('deleteColumn deletes the column and its cards, archived ones included', () => {
    const { doc, opts } = newBoard();
    const a = addCard(doc, { columnId: 'default-1', title: 'A', createdBy: 'alice' }, opts);
    const b = addCard(doc, { columnId: 'default-1', title: 'B', createdBy: 'alice' }, opts);
    const keep = addCard(doc, { columnId: 'default-0', title: 'Keep', createdBy: 'alice' }, opts);
    updateCard(doc, b, { archived: true }, opts);
    const result = deleteColumn(doc, 'default-1', opts);
    expect(result?.deletedCardIds.sort()).toEqual([a, b].sort());
    const board = readBoard(doc);
    expect(board.columns.map((c) => c.title)).toEqual(['To do', 'Done']);
    expect([...board.cards.keys()]).toEqual([keep]);
    expect(deleteColumn(doc, 'nope', opts)).toBeNull();
  });

  it('restoreColumn brings a deleted column back', () => {
    const { doc, opts } = newBoard();
    deleteColumn(doc, 'default-0', opts);
    expect(restoreColumn(doc, 'default-0', opts)).toBe(true);
    expect(restoreColumn(doc, 'default-0', opts)).toBe(false);
    expect(readBoard(doc).columns.map((c) => c.title)).toEqual(DEFAULT_COLUMN_TITLES);
  });
});

describe('cards', () => {
  it('addCard appends by default, inserts at an index, and records author and time', () => {
    const { doc, opts } = newBoard();
    addCard(doc, { columnId: 'default-0', title: 'Two', createdBy: 'alice' }, opts);
    addCard(doc, { columnId: 'default-0', title: 'Three', createdBy: 'alice' }, opts);
    const one = addCard(doc, { columnId: 'default-0', title: ' One ', createdBy: 'bob', index: 0 }, opts);
    addCard(doc, { columnId: 'default-0', title: 'Two and a half', createdBy: 'bob', index: 2 }, opts);
    expect(titlesOf(doc, 0)).toEqual(['One', 'Two', 'Two and a half', 'Three']);
    const card = readBoard(doc).cards.get(one);
    expect(card).toMatchObject({
      id: one,
      columnId: 'default-0',
      title: 'One',
      labels: [],
      assignees: [],
      due: null,
      archived: false,
      createdBy: 'bob',
    });
    expect(card?.createdAt).toBeGreaterThan(0);
    expect(() => addCard(doc, { columnId: 'default-0', title: '', createdBy: 'a' }, opts)).toThrow(
      BoardInputError,
    );
  });

  it('updateCard changes title, labels, assignees, due date and archived', () => {
    const { doc, opts } = newBoard();
    const bug = addLabel(doc, { name: 'bug', color: '#E03131' }, opts);
    const ux = addLabel(doc, { name: 'ux', color: '#1c7ed6' }, opts);
    const id = addCard(doc, { columnId: 'default-0', title: 'Card', createdBy: 'alice' }, opts);
    expect(
      updateCard(
        doc,
        id,
        { title: 'Renamed', labels: [ux, bug], assignees: ['bob', 'alice'], due: '2025-03-31' },
        opts,
      ),
    ).toBe(true);
    expect(readBoard(doc).cards.get(id)).toMatchObject({
      title: 'Renamed',
      labels: [bug, ux],
      assignees: ['alice', 'bob'],
      due: '2025-03-31',
    });
    expect(updateCard(doc, id, { labels: [ux, bug], title: 'Renamed' }, opts)).toBe(false);
    updateCard(doc, id, { labels: [ux], assignees: [], due: null, archived: true }, opts);
    const board = readBoard(doc);
    expect(board.cards.get(id)).toMatchObject({ labels: [ux], assignees: [], due: null, archived: true });
    expect(board.columns[0]?.cards).toEqual([]);
    expect(board.archivedCards.map((c) => c.id)).toEqual([id]);
    updateCard(doc, id, { archived: false }, opts);
    expect(titlesOf(doc, 0)).toEqual(['Renamed']);
    expect(updateCard(doc, 'nope', { title: 'x' }, opts)).toBe(false);
  });

  it('updateCard rejects invalid due dates and ids', () => {
    const { doc, opts } = newBoard();
    const id = addCard(doc, { columnId: 'default-0', title: 'Card', createdBy: 'alice' }, opts);
    for (const due of ['2025-02-30', '2025-13-01', '31/03/2025', '2025-03-31T10:00:00Z']) {
      expect(() => updateCard(doc, id, { due }, opts)).toThrow(BoardInputError);
    }
    expect(() => updateCard(doc, id, { labels: ['a:b'] }, opts)).toThrow(BoardInputError);
  });

  it('[B4] concurrent label toggles on one card merge', () => {
    const a = replica(1);
    initBoard(a.doc, { title: 'T', createdBy: 'alice' }, a.opts);
    const bug = addLabel(a.doc, { name: 'bug', color: '#e03131' }, a.opts);
    const ux = addLabel(a.doc, { name: 'ux', color: '#1c7ed6' }, a.opts);
    const id = addCard(a.doc, { columnId: 'default-0', title: 'Card', createdBy: 'alice' }, a.opts);
    const b = replica(2);
    syncAll(a.doc, b.doc);
    updateCard(a.doc, id, { labels: [bug] }, a.opts);
    updateCard(b.doc, id, { labels: [ux], assignees: ['bob'] }, b.opts);
    syncAll(a.doc, b.doc);
    expect(readBoard(a.doc).cards.get(id)).toMatchObject({ labels: [bug, ux], assignees: ['bob'] });
  });

  it('moveCard moves within and between columns without changing the card id', () => {
    const { doc, opts } = newBoard();
    const a = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'x' }, opts);
    addCard(doc, { columnId: 'default-0', title: 'B', createdBy: 'x' }, opts);
    addCard(doc, { columnId: 'default-0', title: 'C', createdBy: 'x' }, opts);
    expect(moveCard(doc, a, { columnId: 'default-0', index: 2 }, opts)).toBe(true);
    expect(titlesOf(doc, 0)).toEqual(['B', 'C', 'A']);
    expect(moveCard(doc, a, { columnId: 'default-0', index: 2 }, opts)).toBe(false);
    expect(moveCard(doc, a, { columnId: 'default-1', index: 0 }, opts)).toBe(true);
    expect(titlesOf(doc, 0)).toEqual(['B', 'C']);
    expect(titlesOf(doc, 1)).toEqual(['A']);
    expect(readBoard(doc).cards.get(a)?.columnId).toBe('default-1');
    expect(moveCard(doc, 'nope', { columnId: 'default-1', index: 0 }, opts)).toBe(false);
  });

  it('deleteCard removes a card', () => {
    const { doc, opts } = newBoard();
    const id = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'x' }, opts);
    expect(deleteCard(doc, id, opts)).toBe(true);
    expect(deleteCard(doc, id, opts)).toBe(false);
    expect(readBoard(doc).cards.size).toBe(0);
  });
});

describe('labels and members', () => {
  it('addLabel / updateLabel / deleteLabel, and a deleted label leaves every card', () => {
    const { doc, opts } = newBoard();
    const id = addLabel(doc, { name: 'bug', color: '#e03131' }, opts);
    expect(() => addLabel(doc, { name: 'x', color: 'red' }, opts)).toThrow(BoardInputError);
    const card = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'x' }, opts);
    updateCard(doc, card, { labels: [id] }, opts);
    expect(updateLabel(doc, id, { name: 'defect', color: '#F08C00' }, opts)).toBe(true);
    expect(readBoard(doc).labels).toEqual([{ id, name: 'defect', color: '#f08c00' }]);
    expect(deleteLabel(doc, id, opts)).toBe(true);
    expect(deleteLabel(doc, id, opts)).toBe(false);
    expect(readBoard(doc).labels).toEqual([]);
    expect(readBoard(doc).cards.get(card)?.labels).toEqual([]);
  });

  it('[B4] a label deleted while someone adds it to a card is not shown on the card', () => {
    const a = replica(1);
    initBoard(a.doc, { title: 'T', createdBy: 'alice' }, a.opts);
    const label = addLabel(a.doc, { name: 'bug', color: '#e03131' }, a.opts);
    const card = addCard(a.doc, { columnId: 'default-0', title: 'A', createdBy: 'x' }, a.opts);
    const b = replica(2);
    syncAll(a.doc, b.doc);
    deleteLabel(a.doc, label, a.opts);
    updateCard(b.doc, card, { labels: [label] }, b.opts);
    syncAll(a.doc, b.doc);
    expect(readBoard(a.doc).cards.get(card)?.labels).toEqual([]);
  });

  it('noteMember records members and rewrites lastSeen only when stale or changed', () => {
    const { doc } = newBoard();
    let now = 1_000_000;
    const opts = { clock: () => now };
    expect(noteMember(doc, { id: 'alice', name: 'Alice', color: '#d9480f' }, opts)).toBe(true);
    now += 1000;
    expect(noteMember(doc, { id: 'alice', name: 'Alice', color: '#d9480f' }, opts)).toBe(false);
    expect(noteMember(doc, { id: 'alice', name: 'Alice B', color: '#d9480f' }, opts)).toBe(true);
    now += MEMBER_SEEN_RESOLUTION_MS;
    expect(noteMember(doc, { id: 'alice', name: 'Alice B', color: '#d9480f' }, opts)).toBe(true);
    noteMember(doc, { id: 'bob', name: 'Bob', color: '#1c7ed6' }, opts);
    expect(readBoard(doc).members).toEqual([
      { id: 'alice', name: 'Alice B', color: '#d9480f', lastSeen: now },
      { id: 'bob', name: 'Bob', color: '#1c7ed6', lastSeen: now },
    ]);
    expect(() => noteMember(doc, { id: 'a b', name: 'x', color: '#000000' })).toThrow(BoardInputError);
  });
});

describe('concurrency', () => {
  it('[B9] deleting a card wins over a concurrent edit and move', () => {
    const a = replica(1);
    initBoard(a.doc, { title: 'T', createdBy: 'alice' }, a.opts);
    const card = addCard(a.doc, { columnId: 'default-0', title: 'Card', createdBy: 'alice' }, a.opts);
    const b = replica(2);
    syncAll(a.doc, b.doc);
    deleteCard(a.doc, card, a.opts);
    moveCard(b.doc, card, { columnId: 'default-1', index: 0 }, b.opts);
    updateCard(b.doc, card, { title: 'Edited' }, b.opts);
    syncAll(a.doc, b.doc);
    expect(readBoard(a.doc).cards.has(card)).toBe(false);
    expect(readBoard(b.doc)).toEqual(readBoard(a.doc));
  });

  function twoReplicas() {
    const a = replica(1);
    initBoard(a.doc, { title: 'T', createdBy: 'alice' }, a.opts);
    const card = addCard(a.doc, { columnId: 'default-0', title: 'Card', createdBy: 'alice' }, a.opts);
    const b = replica(2);
    syncAll(a.doc, b.doc);
    return { a, b, card };
  }

  it('[B2] a card moved concurrently by two people ends in exactly one place', () => {
    const { a, b, card } = twoReplicas();
    moveCard(a.doc, card, { columnId: 'default-1', index: 0 }, a.opts);
    moveCard(b.doc, card, { columnId: 'default-2', index: 0 }, b.opts);
    syncAll(a.doc, b.doc);
    const board = readBoard(a.doc);
    expect(readBoard(b.doc)).toEqual(board);
    const places = board.columns.flatMap((c) => c.cards.filter((x) => x.id === card).map(() => c.id));
    expect(places).toHaveLength(1);
    expect(['default-1', 'default-2']).toContain(places[0]);
  });

  it('[B3] a card edited while concurrently moved keeps both changes', () => {
    const { a, b, card } = twoReplicas();
    moveCard(a.doc, card, { columnId: 'default-2', index: 0 }, a.opts);
    updateCard(b.doc, card, { title: 'Edited', due: '2030-01-01', archived: false }, b.opts);
    syncAll(a.doc, b.doc);
    expect(readBoard(a.doc).cards.get(card)).toMatchObject({
      columnId: 'default-2',
      title: 'Edited',
      due: '2030-01-01',
    });
  });

  it('[B6] a card moved into a column deleted at the same time resurrects that column', () => {
    const { a, b, card } = twoReplicas();
    const other = addCard(a.doc, { columnId: 'default-1', title: 'Other', createdBy: 'alice' }, a.opts);
    syncAll(a.doc, b.doc);
    deleteColumn(a.doc, 'default-1', a.opts);
    moveCard(b.doc, card, { columnId: 'default-1', index: 0 }, b.opts);
    syncAll(a.doc, b.doc);
    const board = readBoard(a.doc);
    expect(readBoard(b.doc)).toEqual(board);
    expect(board.columns.map((c) => [c.title, c.resurrected])).toEqual([
      ['To do', false],
      ['Doing', true],
      ['Done', false],
    ]);
    expect(board.columns[1]?.cards.map((c) => c.id)).toEqual([card]);
    expect(board.cards.has(other)).toBe(false);
    // Moving its last card out hides the deleted column again; restoreColumn keeps it.
    moveCard(a.doc, card, { columnId: 'default-0', index: 0 }, a.opts);
    expect(readBoard(a.doc).columns.map((c) => c.title)).toEqual(['To do', 'Done']);
  });

  it('[B6] a card added to a column deleted at the same time is shown there too', () => {
    const { a, b } = twoReplicas();
    deleteColumn(a.doc, 'default-2', a.opts);
    const added = addCard(b.doc, { columnId: 'default-2', title: 'Late', createdBy: 'bob' }, b.opts);
    syncAll(a.doc, b.doc);
    const done = readBoard(a.doc).columns.find((c) => c.id === 'default-2');
    expect(done?.resurrected).toBe(true);
    expect(done?.cards.map((c) => c.id)).toEqual([added]);
  });

  it('[B5] concurrent inserts at the same position get the same order everywhere, and moves between ties work', () => {
    const a = replica(1);
    initBoard(a.doc, { title: 'T', createdBy: 'alice' }, a.opts);
    const b = replica(2);
    syncAll(a.doc, b.doc);
    // These two seeds pick the same one of the jittered key candidates (asserted below): the keys collide.
    const x = addCard(
      a.doc,
      { columnId: 'default-0', title: 'X', createdBy: 'a' },
      { random: seededRandom(7) },
    );
    const y = addCard(
      b.doc,
      { columnId: 'default-0', title: 'Y', createdBy: 'b' },
      { random: seededRandom(8) },
    );
    syncAll(a.doc, b.doc);
    const board = readBoard(a.doc);
    expect(readBoard(b.doc).columns[0]?.cards.map((c) => c.id)).toEqual(
      board.columns[0]?.cards.map((c) => c.id),
    );
    const [first, second] = board.columns[0]?.cards ?? [];
    expect(first?.order).toBe(second?.order);
    expect([first?.id, second?.id]).toEqual([x, y].sort());
    // Moving a third card between the two tied cards must not throw.
    const z = addCard(a.doc, { columnId: 'default-1', title: 'Z', createdBy: 'a' }, a.opts);
    expect(moveCard(a.doc, z, { columnId: 'default-0', index: 1 }, a.opts)).toBe(true);
    const after = readBoard(a.doc).columns[0]?.cards.map((c) => c.id) ?? [];
    expect(after).toHaveLength(3);
    expect(new Set(after)).toEqual(new Set([x, y, z]));
  });
});

describe('robustness', () => {
  it('[B7] shows a card whose column has not arrived yet in a placeholder column', () => {
    const { doc, opts } = newBoard();
    const id = addCard(doc, { columnId: 'futureCol', title: 'Early', createdBy: 'x' }, opts);
    const column = readBoard(doc).columns.at(-1);
    expect(column).toMatchObject({ id: 'futureCol', placeholder: true, title: 'Untitled column' });
    expect(column?.cards.map((c) => c.id)).toEqual([id]);
  });

  it('[B12] tolerates garbage written by a peer', () => {
    const { doc, opts } = newBoard();
    const id = addCard(doc, { columnId: 'default-1', title: 'A', createdBy: 'x' }, opts);
    const cards = doc.getMap<Y.Map<unknown>>('cards');
    cards.get(id)?.set('pos', 'garbage');
    cards.get(id)?.set('due', 'soon');
    doc.getMap('cards').set('notAMap', 42);
    doc.getMap('members').set('m', { nope: true });
    const board = readBoard(doc);
    expect(board.cards.get(id)).toMatchObject({ columnId: 'default-0', due: null });
    expect(board.cards.has('notAMap')).toBe(false);
    expect(board.members).toEqual([]);
    // It can still be moved back to a real place.
    expect(moveCard(doc, id, { columnId: 'default-1', index: 0 }, opts)).toBe(true);
    expect(readBoard(doc).cards.get(id)?.columnId).toBe('default-1');
  });

  it('[B7] shows a card with no readable position on a board without columns in the "unplaced" placeholder', () => {
    const { doc, opts } = replica(1);
    initBoard(doc, { title: 'T', createdBy: 'a', columnTitles: ['Only'] }, opts);
    const id = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'x' }, opts);
    doc.getMap<Y.Map<unknown>>('cards').get(id)?.delete('pos');
    deleteColumn(doc, 'default-0', opts);
    expect(readBoard(doc).columns.map((c) => [c.id, c.placeholder])).toEqual([[UNPLACED_COLUMN_ID, true]]);
    expect(() => addCard(doc, { columnId: UNPLACED_COLUMN_ID, title: 'B', createdBy: 'x' }, opts)).toThrow(
      BoardInputError,
    );
    expect(() => moveCard(doc, id, { columnId: UNPLACED_COLUMN_ID, index: 0 }, opts)).toThrow(
      BoardInputError,
    );
  });

  it('orders around an invalid order key instead of throwing', () => {
    const { doc, opts } = newBoard();
    const a = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'x' }, opts);
    doc.getMap<Y.Map<unknown>>('cards').get(a)?.set('pos', { column: 'default-0', order: 'zz!' });
    expect(() =>
      addCard(doc, { columnId: 'default-0', title: 'B', createdBy: 'x', index: 0 }, opts),
    ).not.toThrow();
    expect(() => addCard(doc, { columnId: 'default-0', title: 'C', createdBy: 'x' }, opts)).not.toThrow();
    expect(readBoard(doc).columns[0]?.cards).toHaveLength(3);
  });

  it('newId gives valid, distinct room-name ids; seededRandom replays', () => {
    const random = seededRandom(1);
    const ids = new Set(Array.from({ length: 1000 }, () => newId(random)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isValidId(id)).toBe(true);
    expect(newId(seededRandom(5))).toBe(newId(seededRandom(5)));
  });
});

describe('readBoard and onBoardChange', () => {
  it('reuses unchanged objects from the previous snapshot', () => {
    const { doc, opts } = newBoard();
    const a = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'x' }, opts);
    const b = addCard(doc, { columnId: 'default-1', title: 'B', createdBy: 'x' }, opts);
    const first = readBoard(doc);
    expect(readBoard(doc, first)).toBe(first);
    updateCard(doc, b, { title: 'B2' }, opts);
    const second = readBoard(doc, first);
    expect(second).not.toBe(first);
    expect(second.cards.get(a)).toBe(first.cards.get(a));
    expect(second.columns[0]).toBe(first.columns[0]);
    expect(second.columns[1]).not.toBe(first.columns[1]);
    expect(second.columns[1]?.cards[0]?.title).toBe('B2');
    expect(second.labels).toBe(first.labels);
  });

  it('re-reads exactly the cards that changed, including inside a transaction and after label or column changes', () => {
    const { doc, opts } = newBoard();
    const a = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'x' }, opts);
    const b = addCard(doc, { columnId: 'default-0', title: 'B', createdBy: 'x' }, opts);
    const first = readBoard(doc);
    const remote = replica(5);
    syncAll(doc, remote.doc);
    updateCard(remote.doc, a, { title: 'A remote' }, remote.opts);
    syncAll(doc, remote.doc);
    const second = readBoard(doc);
    expect(second.cards.get(a)?.title).toBe('A remote');
    expect(second.cards.get(b)).toBe(first.cards.get(b));
    doc.transact(() => {
      updateCard(doc, b, { title: 'B inside' }, opts);
      expect(readBoard(doc).cards.get(b)?.title).toBe('B inside');
    });
    expect(readBoard(doc).cards.get(b)?.title).toBe('B inside');
    const z = addLabel(doc, { name: 'z', color: '#000000' }, opts);
    const y = addLabel(doc, { name: 'y', color: '#000000' }, opts);
    updateCard(doc, a, { labels: [z, y] }, opts);
    expect(readBoard(doc).cards.get(a)?.labels).toEqual([y, z]);
    updateLabel(doc, z, { name: 'a' }, opts);
    expect(readBoard(doc).cards.get(a)?.labels).toEqual([z, y]);
    doc.getMap<Y.Map<unknown>>('cards').get(b)?.delete('pos');
    expect(readBoard(doc).cards.get(b)?.columnId).toBe('default-0');
    moveColumn(doc, 'default-2', 0, opts);
    expect(readBoard(doc).cards.get(b)?.columnId).toBe('default-2');
  });

  it('[B13] exposes the stored description summary on the card snapshot, read defensively', () => {
    const { doc, opts } = newBoard();
    const id = addCard(doc, { columnId: defaultColumnId(0), title: 'Card', createdBy: 'alice' }, opts);
    const first = readBoard(doc);
    expect(first.cards.get(id)?.descriptionPreview).toBeNull();
    const card = doc.getMap<Y.Map<unknown>>('cards').get(id);
    card?.set(DESCRIPTION_PREVIEW_KEY, { text: 'Plan the launch', done: 1, total: 3 });
    const second = readBoard(doc, first);
    expect(second.cards.get(id)?.descriptionPreview).toEqual({
      preview: 'Plan the launch',
      checklist: { done: 1, total: 3 },
    });
    expect(second.columns[0]?.cards[0]).toBe(second.cards.get(id));
    // The same summary written again keeps the snapshot; a different one replaces it.
    card?.set(DESCRIPTION_PREVIEW_KEY, { text: 'Plan the launch', done: 1, total: 3 });
    expect(readBoard(doc, second)).toBe(second);
    card?.set(DESCRIPTION_PREVIEW_KEY, { text: 'Plan the launch', done: 2, total: 3 });
    expect(readBoard(doc, second).cards.get(id)?.descriptionPreview?.checklist.done).toBe(2);
    for (const garbage of [
      null,
      'text',
      { text: 'x', done: 2, total: 1 },
      { text: 'x', done: 0.5, total: 1 },
    ]) {
      card?.set(DESCRIPTION_PREVIEW_KEY, garbage);
      expect(readBoard(doc).cards.get(id)?.descriptionPreview).toBeNull();
    }
    card?.set(DESCRIPTION_PREVIEW_KEY, { text: 'x'.repeat(500), done: 0, total: 0 });
    expect(readBoard(doc).cards.get(id)?.descriptionPreview?.preview).toHaveLength(PREVIEW_MAX_CHARS);
  });

  it('onBoardChange fires once per changing transaction, for local and remote changes', () => {
    const { doc, opts } = newBoard();
    let calls = 0;
    const off = onBoardChange(doc, () => calls++);
    addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'x' }, opts);
    expect(calls).toBe(1);
    doc.transact(() => {});
    expect(calls).toBe(1);
    const other = replica(9);
    syncAll(doc, other.doc);
    renameColumn(other.doc, 'default-0', 'Backlog', other.opts);
    syncAll(doc, other.doc);
    expect(calls).toBe(2);
    off();
    renameBoard(doc, 'Quiet', opts);
    expect(calls).toBe(2);
  });
});

describe('undo', () => {
  it('[B10] undoes only the local origin, step by step, and never a remote edit', () => {
    const { doc, opts } = newBoard();
    const local = { origin: Symbol('local'), ...opts };
    const undo = createBoardUndoManager(doc, local.origin);
    const card = addCard(doc, { columnId: 'default-0', title: 'Mine', createdBy: 'alice' }, local);
    moveCard(doc, card, { columnId: 'default-1', index: 0 }, local);
    const remote = replica(2);
    syncAll(doc, remote.doc);
    updateCard(remote.doc, card, { title: 'Theirs' }, remote.opts);
    syncAll(doc, remote.doc);
    undo.undo(); // the move
    expect(readBoard(doc).cards.get(card)).toMatchObject({ columnId: 'default-0', title: 'Theirs' });
    undo.redo();
    expect(readBoard(doc).cards.get(card)?.columnId).toBe('default-1');
    undo.undo();
    undo.undo(); // the add
    expect(readBoard(doc).cards.has(card)).toBe(false);
    expect(undo.canUndo()).toBe(false);
  });

  it('undo restores a deleted card with its labels, and a deleted column with its cards', () => {
    const { doc, opts } = newBoard();
    const local = { origin: 'me', ...opts };
    const label = addLabel(doc, { name: 'bug', color: '#e03131' }, local);
    const card = addCard(doc, { columnId: 'default-1', title: 'A', createdBy: 'x' }, local);
    updateCard(doc, card, { labels: [label], due: '2030-01-01' }, local);
    const before = readBoard(doc);
    const undo = createBoardUndoManager(doc, 'me');
    deleteCard(doc, card, local);
    undo.undo();
    expect(readBoard(doc).cards.get(card)).toEqual(before.cards.get(card));
    deleteColumn(doc, 'default-1', local);
    expect(readBoard(doc).columns).toHaveLength(2);
    undo.undo();
    expect(readBoard(doc)).toEqual(before);
  });

  it('[B10] does not track member records', () => {
    const { doc } = newBoard();
    const undo = createBoardUndoManager(doc, 'me');
    noteMember(doc, { id: 'alice', name: 'Alice', color: '#000000' }, { origin: 'me' });
    expect(undo.canUndo()).toBe(false);
  });
});
