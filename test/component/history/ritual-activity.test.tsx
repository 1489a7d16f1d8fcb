/**
 * The rituals in the feed (client/history): "commented on", "set the estimate of", "started dot voting",
 * as the Activity dialog and the card panel show them, and the sentences themselves.
 */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { describeEntry } from '../../../client/history/activity-text';
import { type ActivityEntry, addCard, initBoard, noteMember, readActivity } from '../../../shared/board';
import { addComment } from '../../../shared/board/comments';
import { endVotingRound, startVotingRound } from '../../../shared/board/rituals/dot-voting';
import { acceptPokerEstimate, startPokerRound } from '../../../shared/board/rituals/poker';
import {
  ada,
  destroyAll,
  grace,
  newAwareness,
  newBoard,
  remotePeer,
  SLOW_MACHINE_TIMEOUT_MS,
} from '../board/setup';
import { HistoryBoard } from './history-board';

afterEach(() => {
  cleanup();
  destroyAll();
});

/** The entries' texts without their time ("just now") and the button's hidden words. */
const texts = (within_: HTMLElement) =>
  within(within_)
    .queryAllByTestId('activity-entry')
    .map((entry) => (entry.textContent ?? '').replace(/(just now|\d+ \w+ ago)(, open the card)?$/, ''));

describe('ritual entries in the activity dialog', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('[B27][B14.1] shows "commented on" with the card, and choosing it opens the card', () => {
    const doc = newBoard();
    const peer = remotePeer(doc);
    // After the board's creation, a second apart: the newest entry is the last change's.
    let now = Date.now();
    const opts = { clock: () => (now += 1000) };
    noteMember(peer.doc, grace);
    noteMember(peer.doc, ada);
    const fix = addCard(peer.doc, { columnId: 'default-0', title: 'Fix login', createdBy: grace.id }, opts);
    addComment(peer.doc, { cardId: fix, author: grace.id, text: 'Repro on Safari' }, opts);
    const round = startPokerRound(peer.doc, { cardId: fix, deck: ['3', '5'], startedBy: grace.id }, opts);
    acceptPokerEstimate(peer.doc, { roundId: round, value: '5', by: grace.id }, opts);
    peer.push();
    render(<HistoryBoard doc={doc} awareness={newAwareness(doc)} me={ada} readOnly={false} />);
    fireEvent.click(screen.getByRole('button', { name: 'Activity' }));
    const dialog = screen.getByTestId('activity-panel');
    expect(texts(dialog).slice(0, 2)).toEqual([
      'Grace Hopper set the estimate of Fix login to 5',
      'Grace Hopper commented on Fix login',
    ]);
    const commented = within(dialog)
      .getAllByTestId('activity-entry')
      .find((entry) => entry.dataset.kind === 'card.commented') as HTMLElement;
    // The card is named in emphasis, as in every card entry.
    expect(commented.querySelector('em.activity-name')?.textContent).toBe('Fix login');
    fireEvent.click(within(dialog).getByRole('button', { name: /commented on Fix login.*, open the card$/ }));
    expect(screen.queryByTestId('activity-panel')).toBeNull();
    const panel = screen.getByTestId('card-activity');
    expect(texts(panel)).toEqual([
      'Grace Hopper set the estimate of Fix login to 5',
      'Grace Hopper commented on Fix login',
      'Grace Hopper added Fix login to To do',
    ]);
  });
});

describe('ritual sentences', () => {
  it('[B26][B20][B22][B14.1] an estimate names the one before; voting rounds name no card', () => {
    const doc = new Y.Doc();
    let now = 1_800_000_000_000;
    const opts = { clock: () => (now += 1000) };
    const names: Record<string, string> = { ada: 'Ada', bob: 'Bob' };
    const latest = () => describeEntry(readActivity(doc)[0] as ActivityEntry, (id) => names[id] ?? 'Someone');
    initBoard(doc, { title: 'Launch', createdBy: 'ada' }, opts);
    const card = addCard(doc, { columnId: 'default-0', title: 'Fix login', createdBy: 'ada' }, opts);
    const first = startPokerRound(doc, { cardId: card, deck: ['3', '5'], startedBy: 'ada' }, opts);
    acceptPokerEstimate(doc, { roundId: first, value: '3', by: 'ada' }, opts);
    expect(latest()).toBe('Ada set the estimate of Fix login to 3');
    const second = startPokerRound(doc, { cardId: card, deck: ['3', '5'], startedBy: 'ada' }, opts);
    acceptPokerEstimate(doc, { roundId: second, value: '5', by: 'bob' }, opts);
    expect(latest()).toBe('Bob set the estimate of Fix login to 5 (was 3)');
    addComment(doc, { cardId: card, author: 'bob', text: 'Done?' }, opts);
    expect(latest()).toBe('Bob commented on Fix login');
    const round = startVotingRound(doc, { startedBy: 'ada' }, opts);
    expect(latest()).toBe('Ada started dot voting');
    endVotingRound(doc, round, 'bob', opts);
    expect(latest()).toBe('Bob ended dot voting');
  });
});
