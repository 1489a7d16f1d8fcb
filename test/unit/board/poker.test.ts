/** Planning poker with secret votes (shared/board/SPEC.md B24–B26). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, deleteCard, initBoard, purgeCard, updateCard } from '../../../shared/board';
import {
  acceptPokerEstimate,
  commitPokerVote,
  newPokerSalt,
  pokerCommitment,
  pokerResult,
  publishPokerVote,
  readCardPokerRound,
  readEstimates,
  revealPokerRound,
  startPokerRound,
  sumEstimates,
} from '../../../shared/board/rituals/poker';
import { replica, syncAll } from './helpers';

const DECK = ['Quokka-one', 'Narwhal-two', 'Axolotl-three', 'Pangolin-four'];

function setup() {
  const a = replica(1);
  const b = replica(2);
  initBoard(a.doc, { title: 'Planning', createdBy: 'ada' }, a.opts);
  const cardId = addCard(a.doc, { columnId: 'default-0', title: 'Login page', createdBy: 'ada' }, a.opts);
  const roundId = startPokerRound(a.doc, { cardId, deck: DECK, startedBy: 'ada' }, a.opts);
  syncAll(a.doc, b.doc);
  return { a, b, cardId, roundId };
}

function occurrences(haystack: Uint8Array, needle: string): number {
  const text = Buffer.from(haystack).toString('latin1');
  const word = Buffer.from(needle, 'utf8').toString('latin1');
  return text.split(word).length - 1;
}

describe('planning poker', () => {
  it('[B25] before the reveal the document holds no trace of any vote value: each deck value appears exactly as often as the others, whatever was chosen', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: DECK.length - 1 }), { minLength: 1, maxLength: 5 }), (choices) => {
        const { a, roundId } = setup();
        choices.forEach((choice, i) => {
          const salt = newPokerSalt();
          commitPokerVote(a.doc, {
            roundId,
            voterId: `voter${i}`,
            commitment: pokerCommitment(DECK[choice] as string, salt),
          });
        });
        const update = Y.encodeStateAsUpdate(a.doc);
        const counts = DECK.map((value) => occurrences(update, value));
        // Once each, in the deck itself; a chosen value appears no more often than the others.
        expect(counts).toEqual(DECK.map(() => 1));
      }),
      { numRuns: 40 },
    );
  });

  it('[B25][B26] everyone sees who voted; the reveal shows values that match their commitments, and an absent voter as "no vote"', () => {
    const { a, b, cardId, roundId } = setup();
    const secrets = {
      ada: ['Narwhal-two', newPokerSalt()],
      bob: ['Narwhal-two', newPokerSalt()],
      cyd: ['Pangolin-four', newPokerSalt()],
    } as const;
    for (const [voter, [value, salt]] of Object.entries(secrets)) {
      const doc = voter === 'bob' ? b.doc : a.doc;
      expect(
        commitPokerVote(doc, { roundId, voterId: voter, commitment: pokerCommitment(value, salt) }),
      ).toBe(true);
    }
    // A value cannot be published before the reveal.
    expect(
      publishPokerVote(a.doc, { roundId, voterId: 'ada', value: 'Narwhal-two', salt: secrets.ada[1] }),
    ).toBe(false);
    syncAll(a.doc, b.doc);
    expect(readCardPokerRound(b.doc, cardId)?.voted).toEqual(['ada', 'bob', 'cyd']);
    expect(readCardPokerRound(b.doc, cardId)?.values.size).toBe(0);

    // Cyd is not connected when Ada reveals.
    expect(revealPokerRound(a.doc, roundId, 'ada', ['ada', 'bob'])).toBe(true);
    syncAll(a.doc, b.doc);
    expect(
      commitPokerVote(b.doc, { roundId, voterId: 'bob', commitment: pokerCommitment('Quokka-one', 'x') }),
    ).toBe(false);
    // Changing one's vote after seeing the others' does not pass the commitment.
    expect(
      publishPokerVote(b.doc, { roundId, voterId: 'bob', value: 'Quokka-one', salt: secrets.bob[1] }),
    ).toBe(false);
    expect(
      publishPokerVote(a.doc, { roundId, voterId: 'ada', value: 'Narwhal-two', salt: secrets.ada[1] }),
    ).toBe(true);
    expect(
      publishPokerVote(b.doc, { roundId, voterId: 'bob', value: 'Narwhal-two', salt: secrets.bob[1] }),
    ).toBe(true);
    // Cyd comes back after the reveal: her value is not published and she shows as "no vote".
    expect(
      publishPokerVote(a.doc, { roundId, voterId: 'cyd', value: 'Pangolin-four', salt: secrets.cyd[1] }),
    ).toBe(false);
    syncAll(a.doc, b.doc);
    for (const { doc } of [a, b]) {
      const round = readCardPokerRound(doc, cardId);
      expect(round && [...round.values]).toEqual([
        ['ada', 'Narwhal-two'],
        ['bob', 'Narwhal-two'],
        ['cyd', null],
      ]);
      expect(round && pokerResult(round)).toEqual({
        distribution: [{ value: 'Narwhal-two', count: 2 }],
        median: 'Narwhal-two',
        agreement: 1,
        consensus: true,
        noVote: 1,
      });
    }
  });

  it('[B26] the result: distribution in deck order, the numeric median, agreement; accept writes the estimate, summed per column', () => {
    const a = replica(1);
    initBoard(a.doc, { title: 'Planning', createdBy: 'ada' }, a.opts);
    const first = addCard(a.doc, { columnId: 'default-0', title: 'One', createdBy: 'ada' }, a.opts);
    const second = addCard(a.doc, { columnId: 'default-0', title: 'Two', createdBy: 'ada' }, a.opts);
    const fib = ['0', '1', '2', '3', '5', '8', '13', '21', '?', '☕'];
    const roundId = startPokerRound(a.doc, { cardId: first, deck: fib, startedBy: 'ada' }, a.opts);
    const votes = { ada: '5', bob: '3', cyd: '8', dan: '?', eve: '5' };
    const salts = new Map<string, string>();
    for (const [voter, value] of Object.entries(votes)) {
      salts.set(voter, newPokerSalt());
      commitPokerVote(a.doc, {
        roundId,
        voterId: voter,
        commitment: pokerCommitment(value, salts.get(voter) as string),
      });
    }
    revealPokerRound(a.doc, roundId, 'ada', Object.keys(votes));
    for (const [voter, value] of Object.entries(votes)) {
      publishPokerVote(a.doc, { roundId, voterId: voter, value, salt: salts.get(voter) as string });
    }
    const round = readCardPokerRound(a.doc, first);
    expect(round && pokerResult(round)).toEqual({
      distribution: [
        { value: '3', count: 1 },
        { value: '5', count: 2 },
        { value: '8', count: 1 },
        { value: '?', count: 1 },
      ],
      median: '5',
      agreement: 0.4,
      consensus: false,
      noVote: 0,
    });
    expect(acceptPokerEstimate(a.doc, { roundId, value: '5', by: 'ada' })).toBe(true);
    expect(acceptPokerEstimate(a.doc, { roundId, value: 'not in the deck', by: 'ada' })).toBe(false);
    const again = startPokerRound(a.doc, { cardId: second, deck: fib, startedBy: 'ada' }, a.opts);
    acceptPokerEstimate(a.doc, { roundId: again, value: '13', by: 'ada' });
    const estimates = readEstimates(a.doc);
    expect([...estimates].sort()).toEqual(
      [
        [first, '5'],
        [second, '13'],
      ].sort(),
    );
    expect(sumEstimates([first, second], estimates)).toBe(18);
    expect(sumEstimates([first, second], new Map([[first, '?']]))).toBeNull();
  });

  it("[B26] the estimates read after each change are the document's: the same reading while other things change, a new one when an estimate arrives or its card is purged", () => {
    const { a, b, cardId, roundId } = setup();
    const before = readEstimates(b.doc);
    expect(before.size).toBe(0);
    updateCard(b.doc, cardId, { title: 'Login page v2' }, b.opts);
    expect(readEstimates(b.doc)).toBe(before);
    acceptPokerEstimate(a.doc, { roundId, value: 'Narwhal-two', by: 'ada' });
    syncAll(a.doc, b.doc);
    expect([...readEstimates(b.doc)]).toEqual([[cardId, 'Narwhal-two']]);
    const other = addCard(b.doc, { columnId: 'default-0', title: 'Other', createdBy: 'bob' }, b.opts);
    expect([...readEstimates(b.doc)]).toEqual([[cardId, 'Narwhal-two']]);
    deleteCard(b.doc, cardId, b.opts);
    purgeCard(b.doc, cardId, b.opts);
    expect([...readEstimates(b.doc)]).toEqual([]);
    // Read inside a transaction (observers not run yet): afresh.
    b.doc.transact(() => {
      acceptPokerEstimate(b.doc, {
        roundId: startPokerRound(b.doc, { cardId: other, deck: DECK, startedBy: 'bob' }, b.opts),
        value: 'Quokka-one',
        by: 'bob',
      });
      expect([...readEstimates(b.doc)]).toEqual([[other, 'Quokka-one']]);
    });
    expect([...readEstimates(b.doc)]).toEqual([[other, 'Quokka-one']]);
  });

  it('[B24] "vote again" starts a new round on the same card, which becomes its current round', () => {
    const { a, cardId, roundId } = setup();
    commitPokerVote(a.doc, { roundId, voterId: 'ada', commitment: pokerCommitment('Quokka-one', 's') });
    revealPokerRound(a.doc, roundId, 'ada', ['ada']);
    const next = startPokerRound(
      a.doc,
      { cardId, deck: DECK, startedBy: 'ada' },
      { clock: () => Date.now() + 10_000 },
    );
    const current = readCardPokerRound(a.doc, cardId);
    expect(current?.id).toBe(next);
    expect(current?.voted).toEqual([]);
    expect(current?.revealed).toBeNull();
    expect(() => startPokerRound(a.doc, { cardId, deck: ['only'], startedBy: 'ada' })).toThrow(/two/);
  });
});
