/**
 * The activity feed (shared/board/activity.ts): entries recorded by the intents in their own transaction,
 * the same feed on every replica, undo, description edits and the bound. Rules B14.x in SPEC.md.
 */
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import {
  type ActivityEntry,
  activityPruneThreshold,
  addCard,
  addColumn,
  addLabel,
  createBoardUndoManager,
  DESCRIPTION_EDIT_MERGE_MS,
  deleteCard,
  deleteColumn,
  deleteLabel,
  initBoard,
  type MutationOptions,
  moveCard,
  moveColumn,
  noteMember,
  purgeCard,
  readActivity,
  readBoard,
  renameBoard,
  renameColumn,
  restoreCard,
  restoreColumn,
  setTrashRetention,
  updateCard,
  updateLabel,
} from '../../../shared/board';
import { isDerivedWrite, recordDescriptionEdit } from '../../../shared/description-summary';
import { replica, syncAll } from './helpers';

function board(clientId = 1) {
  const { doc, opts } = replica(clientId);
  const alice: MutationOptions = { ...opts, actor: 'alice' };
  initBoard(doc, { title: 'Launch', createdBy: 'alice' }, alice);
  return { doc, alice, opts };
}

const kinds = (doc: Y.Doc) => readActivity(doc).map((e) => e.kind);
const newest = (doc: Y.Doc): ActivityEntry => readActivity(doc)[0] as ActivityEntry;

describe('activity feed: recorded with the change', () => {
  it('[B14.1] every kind of board change records one entry with who, what and when', () => {
    const { doc, alice } = board();
    const doing = 'default-1';
    const done = 'default-2';
    const card = addCard(doc, { columnId: doing, title: 'Fix login', createdBy: 'alice' }, alice);
    expect(newest(doc)).toMatchObject({
      kind: 'card.added',
      by: 'alice',
      card: { id: card, title: 'Fix login' },
      column: { id: doing, title: 'Doing' },
    });
    moveCard(doc, card, { columnId: done, index: 0 }, alice);
    expect(newest(doc)).toMatchObject({
      kind: 'card.moved',
      by: 'alice',
      card: { id: card, title: 'Fix login' },
      from: { id: doing, title: 'Doing' },
      to: { id: done, title: 'Done' },
    });
    const bug = addLabel(doc, { name: 'bug', color: '#e03131' }, alice);
    updateCard(
      doc,
      card,
      { title: 'Fix the login', labels: [bug], assignees: ['bob'], due: '2030-01-01' },
      alice,
    );
    const four = readActivity(doc).slice(0, 4);
    expect(four.map((e) => e.kind).sort()).toEqual([
      'card.assignees',
      'card.due',
      'card.labels',
      'card.renamed',
    ]);
    expect(four.find((e) => e.kind === 'card.renamed')).toMatchObject({
      from: 'Fix login',
      card: { title: 'Fix the login' },
    });
    expect(four.find((e) => e.kind === 'card.labels')).toMatchObject({
      added: [{ id: bug, title: 'bug' }],
      removed: [],
    });
    expect(four.find((e) => e.kind === 'card.assignees')).toMatchObject({ added: ['bob'], removed: [] });
    expect(four.find((e) => e.kind === 'card.due')).toMatchObject({ from: null, to: '2030-01-01' });
    updateCard(doc, card, { archived: true }, alice);
    updateCard(doc, card, { archived: false }, alice);
    renameColumn(doc, 'default-0', 'QA', alice);
    renameColumn(doc, 'default-0', 'Review', alice);
    expect(newest(doc)).toMatchObject({ kind: 'column.renamed', from: 'QA', column: { title: 'Review' } });
    const column = addColumn(doc, { title: 'Later' }, alice);
    moveColumn(doc, column, 0, alice);
    updateLabel(doc, bug, { name: 'defect' }, alice);
    expect(newest(doc)).toMatchObject({ kind: 'label.changed', from: 'bug', label: { title: 'defect' } });
    deleteLabel(doc, bug, alice);
    renameBoard(doc, 'Relaunch', alice);
    expect(newest(doc)).toMatchObject({ kind: 'board.renamed', from: 'Launch', to: 'Relaunch' });
    deleteCard(doc, card, alice);
    restoreCard(doc, card, alice);
    deleteColumn(doc, done, alice);
    expect(newest(doc)).toMatchObject({
      kind: 'column.deleted',
      cards: 1,
      column: { id: done, title: 'Done' },
    });
    restoreColumn(doc, done, alice);
    setTrashRetention(doc, 7, alice);
    deleteCard(doc, card, alice);
    purgeCard(doc, card, alice);
    expect(kinds(doc).reverse()).toEqual([
      'board.created',
      'card.added',
      'card.moved',
      'label.added',
      ...four.map((e) => e.kind).reverse(),
      'card.archived',
      'card.unarchived',
      'column.renamed',
      'column.renamed',
      'column.added',
      'column.moved',
      'label.changed',
      'label.deleted',
      'board.renamed',
      'card.deleted',
      'card.restored',
      'column.deleted',
      'column.restored',
      'board.retention',
      'card.deleted',
      'card.purged',
    ]);
    for (const entry of readActivity(doc)) expect(entry.by).toBe('alice');
  });

  it('[B14.1] an intent that changes nothing records nothing; a visit records nothing', () => {
    const { doc, alice } = board();
    const card = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, alice);
    const before = readActivity(doc).length;
    expect(updateCard(doc, card, { title: 'A' }, alice)).toBe(false);
    expect(moveCard(doc, card, { columnId: 'default-0', index: 0 }, alice)).toBe(false);
    expect(renameColumn(doc, 'default-0', 'To do', alice)).toBe(false);
    expect(restoreCard(doc, card, alice)).toBe(false);
    noteMember(doc, { id: 'alice', name: 'Alice', color: '#000000' }, alice);
    expect(readActivity(doc)).toHaveLength(before);
  });

  it('[B14.1] the entry is written in the same transaction as the change', () => {
    const { doc, alice } = board();
    const transactions: number[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      transactions.push(tr.changed.size);
    });
    addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, alice);
    // One transaction, touching both the cards and the feed.
    expect(transactions).toEqual([2]);
  });

  it('[B14.1] titles are stored as they were, cut to 100 characters', () => {
    const { doc, alice } = board();
    const long = 'x'.repeat(300);
    const card = addCard(doc, { columnId: 'default-0', title: long, createdBy: 'alice' }, alice);
    updateCard(doc, card, { title: 'Short' }, alice);
    expect(newest(doc)).toMatchObject({
      kind: 'card.renamed',
      from: 'x'.repeat(100),
      card: { title: 'Short' },
    });
  });
});

describe('activity feed: the same on every replica', () => {
  it('[B14.2] concurrent changes each keep their entry, in the same order everywhere', () => {
    const a = board(1);
    const card = addCard(a.doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, a.alice);
    const b = replica(2);
    const bob = { ...b.opts, actor: 'bob' };
    syncAll(a.doc, b.doc);
    // Same clock value on both sides: the id decides.
    const at = () => 1_800_000_000_000;
    moveCard(a.doc, card, { columnId: 'default-1', index: 0 }, { ...a.alice, clock: at });
    moveCard(b.doc, card, { columnId: 'default-2', index: 0 }, { ...bob, clock: at });
    updateCard(b.doc, card, { title: 'B' }, { ...bob, clock: at });
    syncAll(a.doc, b.doc);
    const feed = readActivity(a.doc);
    expect(readActivity(b.doc)).toEqual(feed);
    const top = feed.slice(0, 3);
    expect(top.map((e) => [e.kind, e.by]).sort()).toEqual([
      ['card.moved', 'alice'],
      ['card.moved', 'bob'],
      ['card.renamed', 'bob'],
    ]);
    expect(new Set(feed.map((e) => e.id)).size).toBe(feed.length);
    // One replica's entries of one millisecond keep the order they were made in.
    const bobs = top.filter((e) => e.by === 'bob').map((e) => e.kind);
    expect(bobs).toEqual(['card.renamed', 'card.moved']);
  });

  it('[B14.2] two replicas initialising the same board record "created" once', () => {
    const a = replica(1);
    const b = replica(2);
    initBoard(a.doc, { title: 'A', createdBy: 'alice' }, a.opts);
    initBoard(b.doc, { title: 'B', createdBy: 'bob' }, b.opts);
    syncAll(a.doc, b.doc);
    expect(kinds(a.doc)).toEqual(['board.created']);
    expect(readActivity(b.doc)).toEqual(readActivity(a.doc));
  });

  it('[B14.2][B12] skips unreadable entries and unknown kinds', () => {
    const { doc, alice } = board();
    const activity = doc.getArray('activity');
    activity.push([
      42,
      null,
      { id: 'x', at: 1, by: 'a', kind: 'card.archived', card: { id: 'c', title: 'C' } },
      ['future.kind', 'x1', 1, 'a'],
      ['card.moved', 'x2', 1, 'a', ['c', 'C'], ['d', 'D']],
      ['card.archived', 'x3', 'yesterday', 'a', ['c', 'C']],
      ['card.archived', 'x4', 1, 'a', ['c', 5]],
      // A later version's extra field is ignored.
      ['card.archived', 'x5', 2, 'a', ['c', 'C'], 'extra'],
    ]);
    addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, alice);
    expect(kinds(doc)).toEqual(['card.added', 'board.created', 'card.archived']);
    expect(readActivity(doc)[2]).toEqual({
      kind: 'card.archived',
      id: 'x5',
      at: 2,
      by: 'a',
      card: { id: 'c', title: 'C' },
    });
  });
});

describe('activity feed: undo', () => {
  it('[B14.3] undo removes the entry it recorded on every replica, redo brings the same entry back', () => {
    const a = board(1);
    const me = { ...a.alice, origin: 'me' };
    const undo = createBoardUndoManager(a.doc, 'me');
    const card = addCard(a.doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, me);
    moveCard(a.doc, card, { columnId: 'default-1', index: 0 }, me);
    const moved = newest(a.doc);
    const b = replica(2);
    syncAll(a.doc, b.doc);
    updateCard(b.doc, card, { title: 'Theirs' }, { ...b.opts, actor: 'bob' });
    syncAll(a.doc, b.doc);
    undo.undo(); // the move
    syncAll(a.doc, b.doc);
    for (const doc of [a.doc, b.doc]) {
      expect(kinds(doc).sort()).toEqual(['board.created', 'card.added', 'card.renamed']);
    }
    undo.redo();
    syncAll(a.doc, b.doc);
    expect(readActivity(b.doc).find((e) => e.kind === 'card.moved')).toEqual(moved);
    expect(readActivity(b.doc)).toEqual(readActivity(a.doc));
  });

  it('[B14.3] undoing a delete removes its entry and restores the card; no "undid" entry', () => {
    const { doc, alice } = board();
    const me = { ...alice, origin: 'me' };
    const undo = createBoardUndoManager(doc, 'me');
    const card = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, me);
    const before = readActivity(doc);
    deleteCard(doc, card, me);
    undo.undo();
    expect(readActivity(doc)).toEqual(before);
    expect(readBoard(doc).cards.has(card)).toBe(true);
  });
});

describe('activity feed: description edits', () => {
  function withCard() {
    const b = board();
    const card = addCard(
      b.doc,
      { columnId: 'default-0', title: 'Release notes', createdBy: 'alice' },
      b.alice,
    );
    let now = 1_900_000_000_000;
    const at = (ms: number) => {
      now = ms;
      return () => now;
    };
    return { ...b, card, at, start: now };
  }

  it('[B14.4] one person typing in one card with pauses under 5 minutes is one entry, shown at its last edit', () => {
    const { doc, card, at, start } = withCard();
    recordDescriptionEdit(doc, card, { actor: 'dan', clock: at(start) });
    const first = newest(doc);
    recordDescriptionEdit(doc, card, { actor: 'dan', clock: at(start + 60_000) });
    recordDescriptionEdit(doc, card, { actor: 'dan', clock: at(start + DESCRIPTION_EDIT_MERGE_MS + 50_000) });
    const described = readActivity(doc).filter((e) => e.kind === 'card.described');
    expect(described).toEqual([
      {
        ...first,
        at: start + DESCRIPTION_EDIT_MERGE_MS + 50_000,
        card: { id: card, title: 'Release notes' },
      },
    ]);
    expect(described[0]).toMatchObject({ since: start, by: 'dan' });
    expect(doc.getArray('activity').length).toBe(readActivity(doc).length);
  });

  it('[B14.4] a longer pause, another card, another person or an entry in between start a new entry', () => {
    const { doc, alice, card, at, start } = withCard();
    const other = addCard(doc, { columnId: 'default-0', title: 'Other', createdBy: 'alice' }, alice);
    recordDescriptionEdit(doc, card, { actor: 'dan', clock: at(start) });
    recordDescriptionEdit(doc, card, { actor: 'dan', clock: at(start + DESCRIPTION_EDIT_MERGE_MS) });
    recordDescriptionEdit(doc, other, { actor: 'dan', clock: at(start + DESCRIPTION_EDIT_MERGE_MS + 1) });
    recordDescriptionEdit(doc, other, { actor: 'eve', clock: at(start + DESCRIPTION_EDIT_MERGE_MS + 2) });
    moveCard(
      doc,
      card,
      { columnId: 'default-1', index: 0 },
      { ...alice, actor: 'dan', clock: at(start + DESCRIPTION_EDIT_MERGE_MS + 3) },
    );
    recordDescriptionEdit(doc, other, { actor: 'dan', clock: at(start + DESCRIPTION_EDIT_MERGE_MS + 4) });
    const described = readActivity(doc).filter((e) => e.kind === 'card.described');
    expect(described.map((e) => [e.by, e.card.id])).toEqual([
      ['dan', other],
      ['eve', other],
      ['dan', other],
      ['dan', card],
      ['dan', card],
    ]);
  });

  it('[B14.4] is written under the summary origin with the summary, never undone by board undo', () => {
    const { doc, card, at, start } = withCard();
    const undo = createBoardUndoManager(doc, 'me');
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    recordDescriptionEdit(
      doc,
      card,
      { actor: 'dan', clock: at(start) },
      { preview: 'Notes', checklist: { done: 0, total: 1 } },
    );
    expect(origins).toHaveLength(1);
    expect(isDerivedWrite(origins[0])).toBe(true);
    expect(readBoard(doc).cards.get(card)?.descriptionPreview?.preview).toBe('Notes');
    expect(undo.canUndo()).toBe(false);
  });

  it('[B14.4] two tabs of one person extending the entry at once leave one entry on every replica', () => {
    const a = withCard();
    recordDescriptionEdit(a.doc, a.card, { actor: 'dan', clock: a.at(a.start) });
    const b = replica(2);
    syncAll(a.doc, b.doc);
    recordDescriptionEdit(a.doc, a.card, { actor: 'dan', clock: () => a.start + 1000 });
    recordDescriptionEdit(b.doc, a.card, { actor: 'dan', clock: () => a.start + 2000 });
    syncAll(a.doc, b.doc);
    const feed = readActivity(a.doc);
    expect(readActivity(b.doc)).toEqual(feed);
    expect(feed.filter((e) => e.kind === 'card.described')).toHaveLength(1);
  });

  it('[B14.4] records nothing for a card in the trash or missing', () => {
    const { doc, alice, card, at, start } = withCard();
    deleteCard(doc, card, alice);
    const before = readActivity(doc);
    expect(recordDescriptionEdit(doc, card, { actor: 'dan', clock: at(start) })).toBe(false);
    expect(recordDescriptionEdit(doc, 'nope', { actor: 'dan', clock: at(start) })).toBe(false);
    expect(readActivity(doc)).toEqual(before);
  });
});

describe('activity feed: bounded', () => {
  it('[B14.5] keeps the newest entries, pruned in a transaction of its own that undo never brings back', () => {
    const { doc, alice } = board();
    const limit = 100;
    const me = { ...alice, origin: 'me', activityLimit: limit };
    const undo = createBoardUndoManager(doc, 'me');
    const card = addCard(doc, { columnId: 'default-0', title: 'A', createdBy: 'alice' }, me);
    const activity = doc.getArray('activity');
    let pruned = 0;
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      const touched: unknown[] = [...tr.changed.keys()];
      if (tr.origin !== 'me' && touched.includes(activity)) pruned++;
    });
    const all: ActivityEntry[] = [];
    for (let i = 0; i < 300; i++) {
      moveCard(doc, card, { columnId: `default-${(i % 2) + 1}`, index: 0 }, me);
      all.push(readActivity(doc, Number.POSITIVE_INFINITY)[0] as ActivityEntry);
      expect(activity.length).toBeLessThanOrEqual(activityPruneThreshold(limit));
    }
    // One prune per 5 % of the limit, not one per change.
    expect(pruned).toBeGreaterThan(0);
    expect(pruned).toBeLessThanOrEqual(Math.ceil(300 / (activityPruneThreshold(limit) - limit)));
    expect(readActivity(doc, limit)).toEqual(all.slice(-limit).reverse());
    // Undoing the latest moves does not bring pruned entries back.
    undo.undo();
    undo.undo();
    expect(activity.length).toBeLessThanOrEqual(activityPruneThreshold(limit));
    expect(readActivity(doc, limit).map((e) => e.id)).toEqual(
      all
        .slice(-limit - 2, -2)
        .reverse()
        .map((e) => e.id),
    );
  });

  it('[B14.5] readers show at most the limit, newest first', () => {
    const { doc, alice } = board();
    for (let i = 0; i < 10; i++) addColumn(doc, { title: `c${i}` }, alice);
    const feed = readActivity(doc, 4);
    expect(feed).toHaveLength(4);
    expect(feed.map((e) => (e.kind === 'column.added' ? e.column.title : ''))).toEqual([
      'c9',
      'c8',
      'c7',
      'c6',
    ]);
  });

  it('[B14.5] a prune is not a change anybody made', () => {
    const { doc, alice } = board();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    for (let i = 0; i < 30; i++)
      addColumn(doc, { title: `c${i}` }, { ...alice, origin: 'me', activityLimit: 10 });
    const upkeep = origins.filter((o) => o !== 'me');
    expect(upkeep.length).toBeGreaterThan(0);
    for (const origin of upkeep) expect(isDerivedWrite(origin)).toBe(true);
  });
});
