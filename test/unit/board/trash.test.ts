/**
 * The board's trash (shared/board/mutations/trash.ts): deleting to it, restoring in place, concurrent
 * restores and edits, purging by hand and on expiry, and what the server reads of a purge. Rules B15.x.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addCard,
  createBoardUndoManager,
  DEFAULT_TRASH_RETENTION_DAYS,
  deleteCard,
  deleteColumn,
  initBoard,
  type MutationOptions,
  moveCard,
  purgeCard,
  purgeColumn,
  purgedCardIds,
  purgedCardIdsInUpdate,
  purgeExpired,
  readActivity,
  readBoard,
  restoreCard,
  restoreColumn,
  setTrashRetention,
  updateCard,
} from '../../../shared/board';
import { descriptionRoom } from '../../../shared/room-names';
import { replica, syncAll } from './helpers';

const DAY = 24 * 60 * 60 * 1000;

function board(clientId = 1) {
  const { doc, opts } = replica(clientId);
  const alice: MutationOptions = { ...opts, actor: 'alice' };
  initBoard(doc, { title: 'T', createdBy: 'alice' }, alice);
  return { doc, alice };
}

function titles(doc: Y.Doc, columnId: string): string[] {
  return (
    readBoard(doc)
      .columns.find((c) => c.id === columnId)
      ?.cards.map((c) => c.title) ?? []
  );
}

function addCards(doc: Y.Doc, columnId: string, names: string[], opts: MutationOptions): string[] {
  return names.map((title) => addCard(doc, { columnId, title, createdBy: 'alice' }, opts));
}

describe('trash: deleting', () => {
  it('[B15.1] a deleted card leaves the board for the trash, with who and when, and keeps its id', () => {
    const { doc, alice } = board();
    const [a, b] = addCards(doc, 'default-1', ['A', 'B'], alice);
    const now = 1_800_000_000_000;
    expect(deleteCard(doc, a!, { ...alice, clock: () => now })).toBe(true);
    expect(deleteCard(doc, a!, alice)).toBe(false);
    const snapshot = readBoard(doc);
    expect(snapshot.cards.has(a!)).toBe(false);
    expect(titles(doc, 'default-1')).toEqual(['B']);
    expect(snapshot.trash).toEqual([
      {
        kind: 'card',
        id: a,
        deletedBy: 'alice',
        deletedAt: now,
        columnTitle: 'Doing',
        card: expect.objectContaining({ id: a, title: 'A', columnId: 'default-1' }),
      },
    ]);
    // Intents treat it as gone.
    expect(updateCard(doc, a!, { title: 'X' }, alice)).toBe(false);
    expect(moveCard(doc, a!, { columnId: 'default-0', index: 0 }, alice)).toBe(false);
    expect(b).toBeDefined();
  });

  it('[B15.1] a deleted column takes its cards (archived ones too) to the trash, in order; cards deleted before stay apart', () => {
    const { doc, alice } = board();
    const [a, b, c] = addCards(doc, 'default-1', ['A', 'B', 'C'], alice);
    updateCard(doc, c!, { archived: true }, alice);
    deleteCard(doc, b!, alice);
    const result = deleteColumn(doc, 'default-1', alice);
    expect(result?.deletedCardIds.sort()).toEqual([a, c].sort());
    const trash = readBoard(doc).trash;
    expect(trash.map((item) => [item.kind, item.id])).toEqual([
      ['column', 'default-1'],
      ['card', b],
    ]);
    const column = trash[0];
    expect(column?.kind === 'column' && column.cards.map((card) => card.title)).toEqual(['A', 'C']);
    expect(readBoard(doc).columns.map((col) => col.id)).toEqual(['default-0', 'default-2']);
    // Deleting it again changes nothing.
    expect(deleteColumn(doc, 'default-1', alice)).toBeNull();
  });
});

describe('trash: restoring', () => {
  it('[B15.2] a restored card returns to its column between the neighbours that are still there', () => {
    const { doc, alice } = board();
    const [, b, c] = addCards(doc, 'default-0', ['A', 'B', 'C', 'D'], alice);
    deleteCard(doc, b!, alice);
    deleteCard(doc, c!, alice);
    expect(titles(doc, 'default-0')).toEqual(['A', 'D']);
    addCards(doc, 'default-0', ['E'], alice);
    expect(restoreCard(doc, c!, alice)).toBe(true);
    expect(titles(doc, 'default-0')).toEqual(['A', 'C', 'D', 'E']);
    expect(restoreCard(doc, b!, alice)).toBe(true);
    expect(titles(doc, 'default-0')).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(restoreCard(doc, b!, alice)).toBe(false);
    expect(readBoard(doc).trash).toEqual([]);
    expect(readActivity(doc)[0]).toMatchObject({
      kind: 'card.restored',
      column: { id: 'default-0', title: 'To do' },
    });
  });

  it('[B15.2] fallback: a card whose column is gone goes to the end of the first live column', () => {
    const { doc, alice } = board();
    const [a] = addCards(doc, 'default-1', ['A'], alice);
    addCards(doc, 'default-0', ['X'], alice);
    deleteCard(doc, a!, alice);
    deleteColumn(doc, 'default-1', alice);
    restoreCard(doc, a!, alice);
    expect(titles(doc, 'default-0')).toEqual(['X', 'A']);
    expect(readBoard(doc).trash.map((item) => item.id)).toEqual(['default-1']);
  });

  it('[B15.2] fallback: with no live column the card stays in its own, shown resurrected', () => {
    const { doc } = replica(1);
    initBoard(doc, { title: 'T', createdBy: 'a', columnTitles: ['Only'] });
    const [a] = addCards(doc, 'default-0', ['A'], {});
    deleteColumn(doc, 'default-0');
    restoreCard(doc, a!);
    const columns = readBoard(doc).columns;
    expect(columns.map((c) => [c.id, c.resurrected, c.cards.map((x) => x.title)])).toEqual([
      ['default-0', true, ['A']],
    ]);
  });

  it('[B15.2] a restored column brings its cards back in order, as one undoable step', () => {
    const { doc, alice } = board();
    const me = { ...alice, origin: 'me' };
    addCards(doc, 'default-1', ['A', 'B', 'C'], alice);
    const before = readBoard(doc);
    deleteColumn(doc, 'default-1', alice);
    const undo = createBoardUndoManager(doc, 'me');
    expect(restoreColumn(doc, 'default-1', me)).toBe(true);
    expect(titles(doc, 'default-1')).toEqual(['A', 'B', 'C']);
    expect(readBoard(doc).columns.map((c) => c.id)).toEqual(before.columns.map((c) => c.id));
    expect(readActivity(doc)[0]).toMatchObject({ kind: 'column.restored', cards: 3 });
    undo.undo();
    expect(readBoard(doc).trash.map((item) => item.id)).toEqual(['default-1']);
    expect(titles(doc, 'default-1')).toEqual([]);
    undo.redo();
    expect(titles(doc, 'default-1')).toEqual(['A', 'B', 'C']);
  });

  it('[B15.2][B11] a restored card keeps its id, so its description document is the same room', () => {
    const { doc, alice } = board();
    const [a] = addCards(doc, 'default-0', ['A'], alice);
    const room = descriptionRoom('board1', a!);
    deleteCard(doc, a!, alice);
    restoreCard(doc, a!, alice);
    expect(descriptionRoom('board1', [...readBoard(doc).cards.keys()][0]!)).toBe(room);
  });
});

describe('trash: concurrent restores and edits', () => {
  function deletedOnTwo() {
    const a = board(1);
    const [card] = addCards(a.doc, 'default-1', ['A'], a.alice);
    deleteCard(a.doc, card!, a.alice);
    const b = replica(2);
    const bob = { ...b.opts, actor: 'bob' };
    syncAll(a.doc, b.doc);
    return { a, b, bob, card: card! };
  }

  const copies = (doc: Y.Doc, id: string) => {
    const board = readBoard(doc);
    const shown = board.columns.flatMap((c) => c.cards).filter((c) => c.id === id).length;
    const trashed = board.trash.filter((item) => item.kind === 'card' && item.id === id).length;
    return shown + trashed;
  };

  it('[B15.3] two people restoring the same card at once get exactly one copy', () => {
    const { a, b, bob, card } = deletedOnTwo();
    expect(restoreCard(a.doc, card, a.alice)).toBe(true);
    expect(restoreCard(b.doc, card, bob)).toBe(true);
    syncAll(a.doc, b.doc);
    expect(readBoard(b.doc)).toEqual(readBoard(a.doc));
    expect(copies(a.doc, card)).toBe(1);
    expect(titles(a.doc, 'default-1')).toEqual(['A']);
    // Both restores happened, and both are in the feed.
    expect(
      readActivity(a.doc)
        .filter((e) => e.kind === 'card.restored')
        .map((e) => e.by)
        .sort(),
    ).toEqual(['alice', 'bob']);
  });

  it('[B15.3] a restore and an edit at once leave one card, with the edit', () => {
    const a = board(1);
    const [card] = addCards(a.doc, 'default-1', ['A'], a.alice);
    const b = replica(2);
    syncAll(a.doc, b.doc);
    deleteCard(a.doc, card!, a.alice);
    updateCard(b.doc, card!, { title: 'Edited' }, b.opts);
    syncAll(a.doc, b.doc);
    // The delete won (B9); the edit is kept in the trash.
    expect(copies(a.doc, card!)).toBe(1);
    expect(readBoard(a.doc).trash[0]).toMatchObject({ kind: 'card', card: { title: 'Edited' } });
    // Now a restore here and an edit there, at once.
    restoreCard(a.doc, card!, a.alice);
    const c = replica(3);
    syncAll(a.doc, c.doc);
    restoreCard(b.doc, card!, b.opts);
    updateCard(c.doc, card!, { due: '2030-01-01' }, c.opts);
    syncAll(a.doc, b.doc, c.doc);
    expect(copies(a.doc, card!)).toBe(1);
    expect(readBoard(a.doc).cards.get(card!)).toMatchObject({ title: 'Edited', due: '2030-01-01' });
    expect(readBoard(c.doc)).toEqual(readBoard(a.doc));
  });

  it('[B15.3] two people restoring the same column at once get one column with its cards once', () => {
    const a = board(1);
    addCards(a.doc, 'default-1', ['A', 'B'], a.alice);
    deleteColumn(a.doc, 'default-1', a.alice);
    const b = replica(2);
    syncAll(a.doc, b.doc);
    restoreColumn(a.doc, 'default-1', a.alice);
    restoreColumn(b.doc, 'default-1', b.opts);
    syncAll(a.doc, b.doc);
    expect(readBoard(a.doc).columns.map((c) => c.id)).toEqual(['default-0', 'default-1', 'default-2']);
    expect(titles(a.doc, 'default-1')).toEqual(['A', 'B']);
    expect(readBoard(a.doc).trash).toEqual([]);
    expect(readBoard(b.doc)).toEqual(readBoard(a.doc));
  });

  it('[B15.3] a delete concurrent with a restore of an earlier delete wins', () => {
    const { a, b, bob, card } = deletedOnTwo();
    restoreCard(a.doc, card, a.alice);
    syncAll(a.doc, b.doc);
    const c = replica(3);
    syncAll(a.doc, c.doc);
    deleteCard(a.doc, card, a.alice);
    syncAll(a.doc, b.doc);
    // B sees it deleted and restores it, while C (not seeing that) deletes it too.
    restoreCard(b.doc, card, bob);
    deleteCard(c.doc, card, c.opts);
    syncAll(a.doc, b.doc, c.doc);
    expect(readBoard(a.doc).cards.has(card)).toBe(false);
    expect(copies(a.doc, card)).toBe(1);
  });
});

describe('trash: purging', () => {
  it('[B15.4] a purge removes the content from the board document, records the id, and cannot be undone', () => {
    const { doc, alice } = board();
    const me = { ...alice, origin: 'me' };
    const undo = createBoardUndoManager(doc, 'me');
    const [card] = addCards(doc, 'default-0', ['Secret plan'], me);
    updateCard(doc, card!, { due: '2030-01-01' }, me);
    expect(purgeCard(doc, card!, me)).toBe(false); // not in the trash
    deleteCard(doc, card!, me);
    expect(purgeCard(doc, card!, me)).toBe(true);
    expect(readBoard(doc).trash).toEqual([]);
    expect(purgedCardIds(doc)).toEqual([card]);
    expect(readActivity(doc)[0]).toMatchObject({ kind: 'card.purged', auto: false, by: 'alice' });
    // Its map is gone and Yjs keeps no deleted content: the title is left only in feed entries.
    const cards = doc.getMap<Y.Map<unknown>>('cards');
    expect(cards.has(card!)).toBe(false);
    const stored = Buffer.from(Y.encodeStateAsUpdate(doc)).toString('latin1');
    const mentions = readActivity(doc).filter((e) => 'card' in e && e.card.title === 'Secret plan').length;
    expect(stored.split('Secret plan').length - 1).toBe(mentions);
    undo.undo(); // the delete: nothing to bring back
    undo.undo(); // the due date
    expect(cards.has(card!)).toBe(false);
    expect(readBoard(doc).cards.has(card!)).toBe(false);
  });

  it('[B15.4] a purge wins over a concurrent restore or edit', () => {
    const a = board(1);
    const [x, y] = addCards(a.doc, 'default-0', ['X', 'Y'], a.alice);
    deleteCard(a.doc, x!, a.alice);
    deleteCard(a.doc, y!, a.alice);
    const b = replica(2);
    syncAll(a.doc, b.doc);
    purgeCard(a.doc, x!, a.alice);
    purgeCard(a.doc, y!, a.alice);
    restoreCard(b.doc, x!, b.opts);
    syncAll(a.doc, b.doc);
    for (const doc of [a.doc, b.doc]) {
      expect(readBoard(doc).cards.size).toBe(0);
      expect(readBoard(doc).trash).toEqual([]);
    }
  });

  it('[B15.4] purging a column purges the cards deleted with it and keeps its tombstone', () => {
    const { doc, alice } = board();
    const [a, b] = addCards(doc, 'default-1', ['A', 'B'], alice);
    deleteColumn(doc, 'default-1', alice);
    expect(purgeColumn(doc, 'default-1', alice)?.sort()).toEqual([a, b].sort());
    expect(purgeColumn(doc, 'default-1', alice)).toBeNull();
    expect(readBoard(doc).trash).toEqual([]);
    expect(purgedCardIds(doc)).toEqual([a, b].sort());
    expect(doc.getMap<Y.Map<unknown>>('columns').get('default-1')?.get('deleted')).toBe(true);
  });

  it('[B15.4] items expire after the retention period (30 days by default, configurable)', () => {
    const { doc, alice } = board();
    expect(readBoard(doc).trashRetentionDays).toBe(DEFAULT_TRASH_RETENTION_DAYS);
    const t0 = 1_800_000_000_000;
    const at = (ms: number) => ({ ...alice, clock: () => ms });
    const [old, recent] = addCards(doc, 'default-0', ['Old', 'Recent'], alice);
    const [inColumn] = addCards(doc, 'default-1', ['In column'], alice);
    deleteCard(doc, old!, at(t0));
    deleteColumn(doc, 'default-1', at(t0 + 5 * DAY));
    deleteCard(doc, recent!, at(t0 + 20 * DAY));
    expect(purgeExpired(doc, at(t0 + 30 * DAY - 1))).toEqual({ cardIds: [], columnIds: [] });
    expect(purgeExpired(doc, at(t0 + 30 * DAY))).toEqual({ cardIds: [old], columnIds: [] });
    expect(readActivity(doc)[0]).toMatchObject({ kind: 'card.purged', auto: true, id: `expired-${old}` });
    expect(() => setTrashRetention(doc, 0, alice)).toThrow();
    expect(setTrashRetention(doc, 10, alice)).toBe(true);
    expect(readBoard(doc).trashRetentionDays).toBe(10);
    expect(purgeExpired(doc, at(t0 + 15 * DAY))).toEqual({ cardIds: [inColumn], columnIds: ['default-1'] });
    expect(readBoard(doc).trash.map((item) => item.id)).toEqual([recent]);
    expect(purgeExpired(doc, at(t0 + 30 * DAY))).toEqual({ cardIds: [recent], columnIds: [] });
    expect(readBoard(doc).trash).toEqual([]);
  });

  it('[B15.4][B14.2] replicas expiring the same item at once record one entry', () => {
    const a = board(1);
    const [card] = addCards(a.doc, 'default-0', ['A'], a.alice);
    deleteCard(a.doc, card!, { ...a.alice, clock: () => 0 });
    const b = replica(2);
    syncAll(a.doc, b.doc);
    purgeExpired(a.doc, a.alice);
    purgeExpired(b.doc, { ...b.opts, actor: 'bob' });
    syncAll(a.doc, b.doc);
    const feed = readActivity(a.doc);
    expect(readActivity(b.doc)).toEqual(feed);
    expect(feed.filter((e) => e.kind === 'card.purged')).toHaveLength(1);
    expect(purgedCardIds(b.doc)).toEqual([card]);
  });
});

describe('trash: what the server reads of a purge', () => {
  it('[B15.5] the ids a stored board update purges, read from the update alone', () => {
    const { doc, alice } = board();
    const [a, b, c] = addCards(doc, 'default-0', ['A', 'B', 'C'], alice);
    const [d] = addCards(doc, 'default-1', ['D'], alice);
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    deleteCard(doc, a!, alice);
    deleteCard(doc, b!, alice);
    deleteColumn(doc, 'default-1', alice);
    expect(updates.flatMap((u) => purgedCardIdsInUpdate(u))).toEqual([]);
    updates.length = 0;
    purgeCard(doc, a!, alice);
    purgeColumn(doc, 'default-1', alice);
    purgeExpired(doc, { ...alice, clock: () => Date.now() + 365 * DAY });
    expect(updates.flatMap((u) => purgedCardIdsInUpdate(u))).toEqual([a, d, b]);
    // A merged update (what a reconnecting client sends) names them all.
    expect(purgedCardIdsInUpdate(Y.mergeUpdates(updates))).toEqual([a, b, d].sort());
    expect(c).toBeDefined();
  });
});
