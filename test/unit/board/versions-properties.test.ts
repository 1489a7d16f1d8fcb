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
  initBoard,
  type MutationOptions,
  readBoard,
  restoreBoardToVersion,
  restoreCardToVersion,
  updateCard,
} from '../../../shared/board';
import { actingReplica, applyIntent, type BoardIntent, boardIntentArb, syncAll } from './helpers';

const RUNS = Number(process.env.BOARD_FUZZ_RUNS ?? 150);

const intentArb = boardIntentArb({ archive: true });

/** Every column may go but the last, so the concurrent edit always has a column to add its card to. */
const apply = (doc: Y.Doc, opts: MutationOptions, intent: BoardIntent) =>
  applyIntent(doc, opts, intent, { keepOneColumn: true });

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

function boardAfter(before: readonly BoardIntent[]) {
  const a = actingReplica(1, 'alice');
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
        const b = actingReplica(2, 'bob');
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
