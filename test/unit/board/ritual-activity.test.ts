/**
 * The activity feed of the team rituals (shared/board/SPEC.md B14.1, B20–B29): a comment added, an estimate
 * accepted, a dot-voting round started and ended each record one entry in the transaction of the change;
 * comment edits and deletes, votes and the steps of a poker round record nothing.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  type ActivityEntry,
  activityPruneThreshold,
  addCard,
  createBoardUndoManager,
  initBoard,
  type MutationOptions,
  readActivity,
  readBoard,
} from '../../../shared/board';
import { addComment, deleteComment, editComment, readComments } from '../../../shared/board/comments';
import {
  castVote,
  endVotingRound,
  removeVote,
  startVotingRound,
} from '../../../shared/board/rituals/dot-voting';
import {
  acceptPokerEstimate,
  commitPokerVote,
  newPokerSalt,
  pokerCommitment,
  publishPokerVote,
  readEstimates,
  revealPokerRound,
  startPokerRound,
} from '../../../shared/board/rituals/poker';
import { replica, syncAll } from './helpers';

const DECK = ['1', '2', '3', '5', '8'];

function board(clientId = 1) {
  const { doc, opts } = replica(clientId);
  initBoard(doc, { title: 'Launch', createdBy: 'ada' }, opts);
  const card = addCard(doc, { columnId: 'default-0', title: 'Fix login', createdBy: 'ada' }, opts);
  return { doc, opts, card };
}

const newest = (doc: Y.Doc): ActivityEntry => readActivity(doc)[0] as ActivityEntry;

/** The name of the root type that holds `type`. */
function rootName(doc: Y.Doc, type: Y.AbstractType<Y.YEvent<Y.AbstractType<unknown>>>): string {
  let root = type;
  while (root._item) root = root._item.parent as typeof root;
  return [...doc.share.entries()].find(([, shared]) => shared === root)?.[0] ?? '?';
}

/**
 * Runs `change` on `doc` and checks what it wrote: exactly one transaction, touching the feed and the root
 * maps `changed` (and nothing else), adding exactly one entry; and the update a peer receives for that
 * transaction carries the change and its entry. Returns the entry.
 */
function recordsOneEntry(doc: Y.Doc, changed: readonly string[], change: () => unknown): ActivityEntry {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const before = readActivity(doc).map((e) => e.id);
  const vector = Y.encodeStateVector(doc);
  const touched: string[][] = [];
  const listen = (tr: Y.Transaction) =>
    touched.push([...new Set([...tr.changed.keys()].map((type) => rootName(doc, type)))].sort());
  doc.on('afterTransaction', listen);
  change();
  doc.off('afterTransaction', listen);
  expect(touched).toEqual([['activity', ...changed].sort()]);
  const added = readActivity(doc).filter((e) => !before.includes(e.id));
  expect(added).toHaveLength(1);
  // The peer's copy gets the change and its entry from the one update of that transaction.
  const copyBefore = changed.map((name) => copy.getMap(name).toJSON());
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc, vector));
  expect(readActivity(copy)).toEqual(readActivity(doc));
  changed.forEach((name, i) => {
    expect(copy.getMap(name).toJSON()).not.toEqual(copyBefore[i]);
    expect(copy.getMap(name).toJSON()).toEqual(doc.getMap(name).toJSON());
  });
  return added[0] as ActivityEntry;
}

/** Runs `change` and checks that the feed is as before. */
function recordsNothing(doc: Y.Doc, change: () => unknown): void {
  const before = readActivity(doc);
  change();
  expect(readActivity(doc)).toEqual(before);
}

describe('ritual activity: comments', () => {
  it('[B27][B14.1] adding a comment records one "commented" entry by its author, at its time, in its transaction', () => {
    const { doc, opts, card } = board();
    let id: string | null = null;
    const entry = recordsOneEntry(doc, ['comments'], () => {
      id = addComment(doc, { cardId: card, author: 'bob', text: 'Repro on Safari only' }, opts);
    });
    const [comment] = readComments(doc, card);
    expect(comment?.id).toBe(id);
    expect(entry).toMatchObject({
      kind: 'card.commented',
      by: 'bob',
      at: comment?.createdAt,
      card: { id: card, title: 'Fix login' },
      comment: id,
    });
    // MutationOptions.actor names the person when the caller gives it, as for every intent.
    addComment(doc, { cardId: card, author: 'bob', text: 'Again' }, { ...opts, actor: 'carol' });
    expect(newest(doc)).toMatchObject({ kind: 'card.commented', by: 'carol' });
  });

  it('[B27][B14.1] the card is named as it was, cut to 100 characters; a comment refused records nothing', () => {
    const { doc, opts } = board();
    const long = addCard(doc, { columnId: 'default-0', title: 'y'.repeat(300), createdBy: 'ada' }, opts);
    addComment(doc, { cardId: long, author: 'bob', text: 'Too long a title' }, opts);
    expect(newest(doc)).toMatchObject({ kind: 'card.commented', card: { id: long, title: 'y'.repeat(100) } });
    recordsNothing(doc, () => {
      expect(addComment(doc, { cardId: 'nosuchcard', author: 'bob', text: 'Hello' }, opts)).toBeNull();
    });
  });

  it('[B28][B14.1] editing or deleting a comment records nothing', () => {
    const { doc, opts, card } = board();
    const id = addComment(doc, { cardId: card, author: 'bob', text: 'First' }, opts) as string;
    recordsNothing(doc, () => {
      expect(editComment(doc, { commentId: id, by: 'bob', text: 'Second' }, opts)).toBe(true);
      expect(deleteComment(doc, { commentId: id, by: 'bob' }, opts)).toBe(true);
    });
    expect(readComments(doc, card)).toEqual([]);
  });
});

describe('ritual activity: planning poker', () => {
  it('[B26][B14.1] accepting an estimate records one "estimated" entry with the value and the one before', () => {
    const { doc, opts, card } = board();
    const round = startPokerRound(doc, { cardId: card, deck: DECK, startedBy: 'ada' }, opts);
    const first = recordsOneEntry(doc, ['cards', 'pokerRounds'], () => {
      acceptPokerEstimate(doc, { roundId: round, value: '3', by: 'ada' }, opts);
    });
    expect(first).toMatchObject({
      kind: 'card.estimated',
      by: 'ada',
      card: { id: card, title: 'Fix login' },
      value: '3',
      from: null,
    });
    const again = startPokerRound(doc, { cardId: card, deck: DECK, startedBy: 'ada' }, opts);
    acceptPokerEstimate(doc, { roundId: again, value: '5', by: 'bob' }, opts);
    expect(newest(doc)).toMatchObject({ kind: 'card.estimated', by: 'bob', value: '5', from: '3' });
    expect(readEstimates(doc).get(card)).toBe('5');
  });

  it('[B24][B25][B26][B14.1] starting, voting, revealing and publishing record nothing, nor accepting the estimate the card already has', () => {
    const { doc, opts, card } = board();
    recordsNothing(doc, () => {
      const round = startPokerRound(doc, { cardId: card, deck: DECK, startedBy: 'ada' }, opts);
      const salt = newPokerSalt();
      commitPokerVote(doc, { roundId: round, voterId: 'bob', commitment: pokerCommitment('8', salt) }, opts);
      expect(revealPokerRound(doc, round, 'ada', ['bob'], opts)).toBe(true);
      expect(publishPokerVote(doc, { roundId: round, voterId: 'bob', value: '8', salt }, opts)).toBe(true);
    });
    const round = startPokerRound(doc, { cardId: card, deck: DECK, startedBy: 'ada' }, opts);
    acceptPokerEstimate(doc, { roundId: round, value: '8', by: 'ada' }, opts);
    recordsNothing(doc, () => {
      expect(acceptPokerEstimate(doc, { roundId: round, value: '8', by: 'ada' }, opts)).toBe(true);
      // A value outside the deck is refused.
      expect(acceptPokerEstimate(doc, { roundId: round, value: '99', by: 'ada' }, opts)).toBe(false);
    });
  });
});

describe('ritual activity: dot voting', () => {
  it('[B20][B22][B14.1] starting and ending a round each record one entry by the facilitator', () => {
    const { doc, opts } = board();
    let round = '';
    const started = recordsOneEntry(doc, ['votingRounds'], () => {
      round = startVotingRound(doc, { startedBy: 'ada', budget: 3, perCard: 2 }, opts);
    });
    expect(started).toMatchObject({ kind: 'board.votingStarted', by: 'ada', round });
    const ended = recordsOneEntry(doc, ['votingRounds'], () => {
      expect(endVotingRound(doc, round, 'bob', opts)).toBe(true);
    });
    expect(ended).toMatchObject({ kind: 'board.votingEnded', by: 'bob', round });
    // A second end is refused and records nothing.
    recordsNothing(doc, () => expect(endVotingRound(doc, round, 'ada', opts)).toBe(false));
  });

  it('[B21][B14.1] individual votes and taking them back record nothing', () => {
    const { doc, opts, card } = board();
    const round = startVotingRound(doc, { startedBy: 'ada', budget: 3, perCard: 2 }, opts);
    recordsNothing(doc, () => {
      expect(castVote(doc, { roundId: round, voterId: 'bob', cardId: card }, opts)).toBe(true);
      expect(castVote(doc, { roundId: round, voterId: 'carol', cardId: card }, opts)).toBe(true);
      expect(removeVote(doc, { roundId: round, voterId: 'bob', cardId: card }, opts)).toBe(true);
    });
  });
});

describe('ritual activity: the same on every replica', () => {
  it('[B14.2] entries written concurrently on two replicas converge to the same feed', () => {
    const a = board(1);
    const b = replica(2);
    syncAll(a.doc, b.doc);
    const round = startPokerRound(a.doc, { cardId: a.card, deck: DECK, startedBy: 'ada' }, a.opts);
    syncAll(a.doc, b.doc);
    // Same milliseconds on both sides: the ids decide the order.
    const at = () => 1_800_000_000_000;
    addComment(a.doc, { cardId: a.card, author: 'ada', text: 'Mine' }, { ...a.opts, clock: at });
    acceptPokerEstimate(a.doc, { roundId: round, value: '2', by: 'ada' }, { ...a.opts, clock: at });
    addComment(b.doc, { cardId: a.card, author: 'bob', text: 'Theirs' }, { ...b.opts, clock: at });
    acceptPokerEstimate(b.doc, { roundId: round, value: '8', by: 'bob' }, { ...b.opts, clock: at });
    const voting = startVotingRound(b.doc, { startedBy: 'bob' }, { ...b.opts, clock: at });
    syncAll(a.doc, b.doc);
    endVotingRound(a.doc, voting, 'ada', a.opts);
    syncAll(a.doc, b.doc);
    const feed = readActivity(a.doc);
    expect(readActivity(b.doc)).toEqual(feed);
    expect(
      feed
        .filter((e) => e.kind !== 'card.added' && e.kind !== 'board.created')
        .map((e) => [e.kind, e.by])
        .sort(),
    ).toEqual([
      ['board.votingEnded', 'ada'],
      ['board.votingStarted', 'bob'],
      ['card.commented', 'ada'],
      ['card.commented', 'bob'],
      ['card.estimated', 'ada'],
      ['card.estimated', 'bob'],
    ]);
  });
});

describe('ritual activity: undo and the bound', () => {
  it('[B14.3] comments and voting rounds are outside board undo, and so are their entries, even under the board origin', () => {
    const { doc, opts, card } = board();
    const me: MutationOptions = { ...opts, origin: 'me' };
    const undo = createBoardUndoManager(doc, 'me');
    addComment(doc, { cardId: card, author: 'ada', text: 'Kept' }, me);
    const round = startVotingRound(doc, { startedBy: 'ada' }, me);
    endVotingRound(doc, round, 'ada', me);
    expect(undo.canUndo()).toBe(false);
    expect(
      readActivity(doc)
        .slice(0, 3)
        .map((e) => e.kind),
    ).toEqual(['board.votingEnded', 'board.votingStarted', 'card.commented']);
    expect(readComments(doc, card)).toHaveLength(1);
  });

  it('[B14.3] undoing an accepted estimate takes back the estimate and its entry together; redo brings both', () => {
    const { doc, opts, card } = board();
    const me: MutationOptions = { ...opts, origin: 'me' };
    const undo = createBoardUndoManager(doc, 'me');
    const round = startPokerRound(doc, { cardId: card, deck: DECK, startedBy: 'ada' }, me);
    acceptPokerEstimate(doc, { roundId: round, value: '5', by: 'ada' }, me);
    const entry = newest(doc);
    expect(entry.kind).toBe('card.estimated');
    undo.undo();
    expect(readBoard(doc).cards.get(card)).toBeDefined();
    expect(readEstimates(doc).has(card)).toBe(false);
    expect(readActivity(doc).some((e) => e.kind === 'card.estimated')).toBe(false);
    undo.redo();
    expect(readEstimates(doc).get(card)).toBe('5');
    expect(newest(doc)).toEqual(entry);
  });

  it('[B14.5] the ritual intents keep the feed bounded like every intent', () => {
    const { doc, opts, card } = board();
    const limit = 10;
    const bounded: MutationOptions = { ...opts, activityLimit: limit };
    for (let i = 0; i < 30; i++) {
      addComment(doc, { cardId: card, author: 'ada', text: `c${i}` }, bounded);
      const round = startVotingRound(doc, { startedBy: 'ada' }, bounded);
      endVotingRound(doc, round, 'ada', bounded);
    }
    expect(doc.getArray('activity').length).toBeLessThanOrEqual(activityPruneThreshold(limit));
    expect(newest(doc).kind).toBe('board.votingEnded');
  });

  it('[B14.2][B12] stored entries of the ritual kinds are read back only when well formed', () => {
    const { doc } = board();
    doc.getArray('activity').push([
      ['card.commented', 'r1', 5, 'bob', ['c', 'Card'], 'comment-1'],
      ['card.commented', 'r2', 5, 'bob', ['c', 'Card']],
      ['card.estimated', 'r3', 6, 'ada', ['c', 'Card'], '5', '3'],
      ['card.estimated', 'r4', 6, 'ada', ['c', 'Card'], '5', null],
      ['card.estimated', 'r5', 6, 'ada', ['c', 'Card'], 5, null],
      ['card.estimated', 'r6', 6, 'ada', ['c', 'Card'], '5'],
      ['board.votingStarted', 'r7', 7, 'ada', 'round-1'],
      ['board.votingEnded', 'r8', 8, 'ada', 'round-1'],
      ['board.votingEnded', 'r9', 8, 'ada', 42],
    ]);
    const ours = readActivity(doc).filter((e) => e.id.startsWith('r'));
    expect(ours.map((e) => e.id).sort()).toEqual(['r1', 'r3', 'r4', 'r7', 'r8']);
    expect(ours.find((e) => e.id === 'r3')).toEqual({
      kind: 'card.estimated',
      id: 'r3',
      at: 6,
      by: 'ada',
      card: { id: 'c', title: 'Card' },
      value: '5',
      from: '3',
    });
  });
});
