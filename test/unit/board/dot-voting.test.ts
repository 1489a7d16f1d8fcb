/**
 * Dot voting (shared/board/SPEC.md B20–B23): property tests over replicas that vote concurrently and merge in
 * any order, plus the rules for rounds that end while someone votes offline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { addCard, deleteCard, initBoard, readBoard } from '../../../shared/board';
import {
  castVote,
  endVotingRound,
  readCurrentVotingRound,
  readVotingRound,
  removeVote,
  sortColumnByVotes,
  startVotingRound,
  type VotingRoundSnapshot,
  votesLeft,
} from '../../../shared/board/rituals/dot-voting';
import { replica, syncAll } from './helpers';

const CARD_COUNT = 4;

/** A board with a few cards and an open round, synced to `n` replicas. */
function setup(n: number, budget: number, perCard: number) {
  const replicas = Array.from({ length: n }, (_, i) => replica(i + 1));
  const first = replicas[0] as (typeof replicas)[0];
  initBoard(first.doc, { title: 'Retro', createdBy: 'ada' }, first.opts);
  const cards = Array.from({ length: CARD_COUNT }, (_, i) =>
    addCard(first.doc, { columnId: 'default-0', title: `Card ${i}`, createdBy: 'ada' }, first.opts),
  );
  const roundId = startVotingRound(first.doc, { startedBy: 'ada', budget, perCard }, first.opts);
  syncAll(...replicas.map((r) => r.doc));
  return { replicas, cards, roundId };
}

function round(doc: Y.Doc, roundId: string): VotingRoundSnapshot {
  const r = readVotingRound(doc, roundId);
  if (!r) throw new Error('round missing');
  return r;
}

function plain(r: VotingRoundSnapshot) {
  return {
    tally: [...r.tally].sort(),
    byVoter: [...r.byVoter].map(([v, m]) => [v, [...m].sort()]).sort(),
  };
}

const configArb = fc
  .record({ budget: fc.integer({ min: 1, max: 6 }), perCard: fc.integer({ min: 1, max: 6 }) })
  .map(({ budget, perCard }) => ({ budget, perCard: Math.min(budget, perCard) }));

const opArb = fc.record({
  who: fc.nat({ max: 2 }),
  card: fc.nat({ max: CARD_COUNT - 1 }),
  cast: fc.boolean(),
  // Sometimes a replica pulls what another one has, mid-way.
  syncWith: fc.option(fc.nat({ max: 2 }), { freq: 4 }),
});

describe('dot voting', () => {
  it('[B21] two people voting at once never lose a vote: each keeps every vote their own replica counted', () => {
    fc.assert(
      fc.property(configArb, fc.array(opArb, { maxLength: 40 }), ({ budget, perCard }, ops) => {
        const { replicas, cards, roundId } = setup(3, budget, perCard);
        const voters = ['ada', 'bob', 'cyd'];
        // Each person votes only on their own replica, with no syncing until the end.
        for (const op of ops) {
          const r = replicas[op.who] as (typeof replicas)[0];
          const input = { roundId, voterId: voters[op.who] as string, cardId: cards[op.card] as string };
          if (op.cast) castVote(r.doc, input, r.opts);
          else removeVote(r.doc, input, r.opts);
        }
        const own = voters.map((v, i) =>
          [...(round((replicas[i] as (typeof replicas)[0]).doc, roundId).byVoter.get(v) ?? [])].sort(),
        );
        syncAll(...replicas.map((r) => r.doc));
        for (const r of replicas) {
          const merged = round(r.doc, roundId);
          voters.forEach((v, i) => {
            expect([...(merged.byVoter.get(v) ?? [])].sort()).toEqual(own[i]);
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('[B21] one person voting from three tabs never exceeds their budget or per-card limit after any merge, and every replica shows the same tally', () => {
    fc.assert(
      fc.property(configArb, fc.array(opArb, { maxLength: 50 }), ({ budget, perCard }, ops) => {
        const { replicas, cards, roundId } = setup(3, budget, perCard);
        for (const op of ops) {
          const r = replicas[op.who] as (typeof replicas)[0];
          const input = { roundId, voterId: 'ada', cardId: cards[op.card] as string };
          if (op.cast) castVote(r.doc, input, r.opts);
          else removeVote(r.doc, input, r.opts);
          if (op.syncWith !== null) syncAll(r.doc, (replicas[op.syncWith] as (typeof replicas)[0]).doc);
          // The limits hold on every replica at every step, not only after the last merge.
          for (const each of replicas) {
            const snapshot = round(each.doc, roundId);
            expect(votesLeft(snapshot, 'ada')).toBeGreaterThanOrEqual(0);
            let total = 0;
            for (const n of snapshot.byVoter.get('ada')?.values() ?? []) {
              expect(n).toBeLessThanOrEqual(perCard);
              total += n;
            }
            expect(total).toBeLessThanOrEqual(budget);
          }
        }
        syncAll(...replicas.map((r) => r.doc));
        const views = replicas.map((r) => plain(round(r.doc, roundId)));
        for (const view of views) expect(view).toEqual(views[0]);
      }),
      { numRuns: 200 },
    );
  });

  it('[B21] a tab that lost a slot to another tab gets the vote back to cast again', () => {
    const { replicas, cards, roundId } = setup(2, 1, 1);
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    expect(castVote(a.doc, { roundId, voterId: 'ada', cardId: cards[0] as string }, a.opts)).toBe(true);
    expect(castVote(b.doc, { roundId, voterId: 'ada', cardId: cards[1] as string }, b.opts)).toBe(true);
    syncAll(a.doc, b.doc);
    const merged = round(a.doc, roundId);
    expect([...merged.tally.values()]).toEqual([1]);
    expect(votesLeft(merged, 'ada')).toBe(0);
    expect(plain(round(b.doc, roundId))).toEqual(plain(merged));
  });

  it('[B21] votes on a deleted card stop counting and are given back', () => {
    const { replicas, cards, roundId } = setup(1, 2, 2);
    const { doc, opts } = replicas[0] as (typeof replicas)[0];
    castVote(doc, { roundId, voterId: 'ada', cardId: cards[0] as string }, opts);
    castVote(doc, { roundId, voterId: 'ada', cardId: cards[0] as string }, opts);
    expect(votesLeft(round(doc, roundId), 'ada')).toBe(0);
    deleteCard(doc, cards[0] as string, opts);
    expect(round(doc, roundId).tally.size).toBe(0);
    expect(votesLeft(round(doc, roundId), 'ada')).toBe(2);
    expect(castVote(doc, { roundId, voterId: 'ada', cardId: cards[1] as string }, opts)).toBe(true);
  });

  it('[B22] a vote cast offline before its voter saw the end counts when it arrives; after seeing the end nobody can vote or un-vote', () => {
    const { replicas, cards, roundId } = setup(2, 3, 3);
    const [facilitator, offline] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    castVote(facilitator.doc, { roundId, voterId: 'ada', cardId: cards[0] as string }, facilitator.opts);
    // Bob votes while offline; Ada ends the round before his votes arrive.
    castVote(offline.doc, { roundId, voterId: 'bob', cardId: cards[1] as string }, offline.opts);
    castVote(offline.doc, { roundId, voterId: 'bob', cardId: cards[1] as string }, offline.opts);
    expect(endVotingRound(facilitator.doc, roundId, 'ada', facilitator.opts)).toBe(true);
    expect(round(facilitator.doc, roundId).tally.get(cards[1] as string)).toBeUndefined();
    syncAll(facilitator.doc, offline.doc);
    for (const r of [facilitator, offline]) {
      const ended = round(r.doc, roundId);
      expect(ended.ended?.by).toBe('ada');
      expect(ended.tally.get(cards[0] as string)).toBe(1);
      expect(ended.tally.get(cards[1] as string)).toBe(2);
    }
    // Having seen the end, neither can change the round any more.
    expect(castVote(offline.doc, { roundId, voterId: 'bob', cardId: cards[2] as string }, offline.opts)).toBe(
      false,
    );
    expect(
      removeVote(offline.doc, { roundId, voterId: 'bob', cardId: cards[1] as string }, offline.opts),
    ).toBe(false);
    expect(endVotingRound(offline.doc, roundId, 'bob', offline.opts)).toBe(false);
    expect(round(offline.doc, roundId).ended?.by).toBe('ada');
  });

  it('[B20] the current round is the one started last, the same on every replica, also for concurrent starts', () => {
    const a = replica(1);
    const b = replica(2);
    initBoard(a.doc, { title: 'Retro', createdBy: 'ada' }, a.opts);
    syncAll(a.doc, b.doc);
    const first = startVotingRound(a.doc, { startedBy: 'ada' }, { ...a.opts, clock: () => 1000 });
    const second = startVotingRound(
      b.doc,
      { startedBy: 'bob', budget: 3, hidden: true },
      { ...b.opts, clock: () => 2000 },
    );
    syncAll(a.doc, b.doc);
    for (const r of [a, b]) {
      const current = readCurrentVotingRound(r.doc);
      expect(current?.id).toBe(second);
      expect(current).toMatchObject({ budget: 3, perCard: 3, hidden: true, startedBy: 'bob', ended: null });
    }
    expect(readVotingRound(a.doc, first)).toMatchObject({ budget: 5, perCard: 3, hidden: false });
    expect(() => startVotingRound(a.doc, { startedBy: 'ada', budget: 2, perCard: 3 })).toThrow(/per card/);
  });

  it('[B23] sorting a column by votes orders it most votes first, ties in their old order, on every replica', () => {
    const { replicas, cards, roundId } = setup(2, 5, 3);
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const vote = (card: number) =>
      castVote(a.doc, { roundId, voterId: 'ada', cardId: cards[card] as string }, a.opts);
    vote(2);
    vote(2);
    vote(3);
    endVotingRound(a.doc, roundId, 'ada', a.opts);
    const column = readBoard(a.doc).columns[0];
    sortColumnByVotes(
      a.doc,
      'default-0',
      column?.cards.map((c) => c.id) ?? [],
      round(a.doc, roundId).tally,
      a.opts,
    );
    syncAll(a.doc, b.doc);
    for (const r of [a, b]) {
      expect(readBoard(r.doc).columns[0]?.cards.map((c) => c.title)).toEqual([
        'Card 2',
        'Card 3',
        'Card 0',
        'Card 1',
      ]);
    }
  });
});
