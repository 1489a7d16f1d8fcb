/**
 * Property tests of restoring versions (B16.2, B16.3), on boards built by random sequences of intents: a
 * board restore shows exactly what the version showed, and a restore merged with a concurrent edit of
 * another card (or a card added concurrently) keeps that edit, the same on both replicas.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addCard,
  addColumn,
  deleteCard,
  deleteColumn,
  initBoard,
  type MutationOptions,
  moveCard,
  readBoard,
  renameColumn,
  restoreBoardToVersion,
  restoreCard,
  restoreCardToVersion,
  restoreColumn,
  seededRandom,
  updateCard,
} from '../../../shared/board';
import { syncAll } from './helpers';

const RUNS = Number(process.env.BOARD_FUZZ_RUNS ?? 150);

type Intent =
  | { kind: 'addCard' | 'deleteCard' | 'restoreCard' | 'archive' | 'addColumn'; k: number }
  | { kind: 'moveCard'; k: number; to: number }
  | { kind: 'retitle' | 'renameColumn'; k: number; title: string }
  | { kind: 'deleteColumn' | 'restoreColumn'; k: number };

const k = fc.nat({ max: 9 });
const title = fc.constantFrom('a', 'b', 'c');
const intentArb: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('addCard' as const), k }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('moveCard' as const), k, to: k }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('retitle' as const), k, title }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('archive' as const), k }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteCard' as const), k }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restoreCard' as const), k }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('addColumn' as const), k }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renameColumn' as const), k, title }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteColumn' as const), k }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restoreColumn' as const), k }) },
);

function makeReplica(clientId: number, actor: string): { doc: Y.Doc; opts: MutationOptions } {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  let now = 1_700_000_000_000 + clientId;
  return { doc, opts: { random: seededRandom(clientId), clock: () => (now += 1000), actor } };
}

function apply(doc: Y.Doc, opts: MutationOptions, intent: Intent): void {
  const board = readBoard(doc);
  const pick = <T>(list: readonly T[], i: number): T | undefined => list[i % Math.max(1, list.length)];
  const cards = [...board.cards.keys()].sort();
  const columns = board.columns.filter((c) => !c.placeholder);
  const trashed = board.trash.flatMap((item) =>
    item.kind === 'card' ? [item.id] : item.cards.map((c) => c.id),
  );
  const deletedColumns = board.trash.flatMap((item) => (item.kind === 'column' ? [item.id] : []));
  const card = pick(cards, intent.k);
  switch (intent.kind) {
    case 'addCard': {
      const column = pick(columns, intent.k);
      if (column) addCard(doc, { columnId: column.id, title: 'x', createdBy: String(opts.actor) }, opts);
      return;
    }
    case 'moveCard': {
      const column = pick(columns, intent.to);
      if (card && column) moveCard(doc, card, { columnId: column.id, index: intent.to }, opts);
      return;
    }
    case 'retitle':
      if (card) updateCard(doc, card, { title: intent.title }, opts);
      return;
    case 'archive':
      if (card) updateCard(doc, card, { archived: !board.cards.get(card)?.archived }, opts);
      return;
    case 'deleteCard':
      if (card) deleteCard(doc, card, opts);
      return;
    case 'restoreCard': {
      const id = pick(trashed, intent.k);
      if (id) restoreCard(doc, id, opts);
      return;
    }
    case 'addColumn':
      addColumn(doc, { title: 'col' }, opts);
      return;
    case 'renameColumn': {
      const column = pick(columns, intent.k);
      if (column) renameColumn(doc, column.id, intent.title, opts);
      return;
    }
    case 'deleteColumn': {
      const column = pick(columns, intent.k);
      if (column && columns.length > 1) deleteColumn(doc, column.id, opts);
      return;
    }
    case 'restoreColumn': {
      const id = pick(deletedColumns, intent.k);
      if (id) restoreColumn(doc, id, opts);
      return;
    }
  }
}

/** What a person sees: columns with their cards and fields, the archive. */
function shown(doc: Y.Doc) {
  const board = readBoard(doc);
  return {
    columns: board.columns.map((column) => ({
      id: column.id,
      title: column.title,
      cards: column.cards.map(({ id, title }) => ({ id, title })),
    })),
    archived: board.archivedCards.map((card) => card.id).sort(),
  };
}

function versionOf(doc: Y.Doc): Y.Doc {
  const version = new Y.Doc();
  Y.applyUpdate(version, Y.encodeStateAsUpdate(doc));
  return version;
}

const history = fc.record({
  before: fc.array(intentArb, { minLength: 1, maxLength: 15 }),
  after: fc.array(intentArb, { maxLength: 15 }),
});

function boardAfter(before: readonly Intent[]) {
  const a = makeReplica(1, 'alice');
  initBoard(a.doc, { title: 'T', createdBy: 'alice' }, a.opts);
  for (const intent of before) apply(a.doc, a.opts, intent);
  return a;
}

describe('restoring versions (properties)', () => {
  it('[B16.3] after a board restore the board shows exactly what the version showed', () => {
    fc.assert(
      fc.property(history, ({ before, after }) => {
        const a = boardAfter(before);
        const version = versionOf(a.doc);
        for (const intent of after) apply(a.doc, a.opts, intent);
        restoreBoardToVersion(a.doc, version, 1, a.opts);
        expect(shown(a.doc)).toEqual(shown(version));
      }),
      { numRuns: RUNS },
    );
  });

  it('[B16.2][B16.3] a restore concurrent with an edit of another card or a new card keeps them, on both replicas', () => {
    fc.assert(
      fc.property(history, fc.nat({ max: 9 }), fc.boolean(), ({ before, after }, pick, wholeBoard) => {
        const a = boardAfter(before);
        const version = versionOf(a.doc);
        for (const intent of after) apply(a.doc, a.opts, intent);
        const b = makeReplica(2, 'bob');
        syncAll(a.doc, b.doc);
        const thenCards = [...readBoard(version).cards.keys()].sort();
        const restored = thenCards[pick % Math.max(1, thenCards.length)];
        const others = [...readBoard(b.doc).cards.keys()].filter((id) => id !== restored).sort();
        const edited = others[pick % Math.max(1, others.length)];
        if (wholeBoard) restoreBoardToVersion(a.doc, version, 1, a.opts);
        else if (restored) restoreCardToVersion(a.doc, version, restored, 1, a.opts);
        const column = readBoard(b.doc).columns.find((c) => !c.placeholder);
        const added = column
          ? addCard(b.doc, { columnId: column.id, title: 'new', createdBy: 'bob' }, b.opts)
          : null;
        // The whole board's restore rewrites every card it brings back; only a single card's leaves the rest.
        if (edited && !wholeBoard) updateCard(b.doc, edited, { title: 'by bob' }, b.opts);
        syncAll(a.doc, b.doc);
        expect(shown(a.doc)).toEqual(shown(b.doc));
        const board = readBoard(a.doc);
        if (added) expect(board.cards.get(added)?.title).toBe('new');
        if (edited && !wholeBoard) expect(board.cards.get(edited)?.title).toBe('by bob');
      }),
      { numRuns: RUNS },
    );
  });
});
