/**
 * Readers of one part of the board (comments, the current voting round) hand back the same reading while
 * other parts change, and a new one as soon as their part changes: locally, from another replica, or read
 * inside a transaction (before the observers that mark a reading stale have run).
 */
import { describe, expect, it } from 'vitest';
import { addCard, initBoard, moveCard, renameBoard } from '../../../shared/board';
import { addComment, readAllComments } from '../../../shared/board/comments';
import { castVote, readCurrentVotingRound, startVotingRound } from '../../../shared/board/rituals/dot-voting';
import { replica, syncAll } from './helpers';

function setup() {
  const a = replica(1);
  const b = replica(2);
  initBoard(a.doc, { title: 'Retro', createdBy: 'ada' }, a.opts);
  const card = addCard(a.doc, { columnId: 'default-0', title: 'Login', createdBy: 'ada' }, a.opts);
  syncAll(a.doc, b.doc);
  return { a, b, card };
}

describe('readings of one part of the board', () => {
  it('[B27] comments: the same reading while cards move and the board is renamed, a new one for a comment here or from another replica', () => {
    const { a, b, card } = setup();
    const first = readAllComments(b.doc);
    moveCard(b.doc, card, { columnId: 'default-1', index: 0 }, b.opts);
    renameBoard(b.doc, 'Retro 2', b.opts);
    expect(readAllComments(b.doc)).toBe(first);
    addComment(b.doc, { cardId: card, author: 'bob', text: 'Mine' }, b.opts);
    expect(
      readAllComments(b.doc)
        .get(card)
        ?.map((c) => c.text),
    ).toEqual(['Mine']);
    addComment(a.doc, { cardId: card, author: 'ada', text: 'Theirs' }, a.opts);
    syncAll(a.doc, b.doc);
    expect(
      readAllComments(b.doc)
        .get(card)
        ?.map((c) => c.text)
        .sort(),
    ).toEqual(['Mine', 'Theirs']);
    b.doc.transact(() => {
      addComment(b.doc, { cardId: card, author: 'bob', text: 'Inside' }, b.opts);
      expect(readAllComments(b.doc).get(card)).toHaveLength(3);
    });
    expect(readAllComments(b.doc).get(card)).toHaveLength(3);
  });

  it('[B20] the current voting round: the same reading while cards move, a new one for a vote here or from another replica', () => {
    const { a, b, card } = setup();
    const roundId = startVotingRound(a.doc, { startedBy: 'ada' }, a.opts);
    syncAll(a.doc, b.doc);
    const first = readCurrentVotingRound(b.doc);
    expect(first?.id).toBe(roundId);
    moveCard(b.doc, card, { columnId: 'default-1', index: 0 }, b.opts);
    expect(readCurrentVotingRound(b.doc)).toBe(first);
    castVote(b.doc, { roundId, voterId: 'bob', cardId: card }, b.opts);
    expect(readCurrentVotingRound(b.doc)?.tally.get(card)).toBe(1);
    castVote(a.doc, { roundId, voterId: 'ada', cardId: card }, a.opts);
    syncAll(a.doc, b.doc);
    expect(readCurrentVotingRound(b.doc)?.tally.get(card)).toBe(2);
  });
});
