import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { BoardView } from '../../../client/board';
import { loadPokerSecret, savePokerSecret } from '../../../client/rituals/poker-secrets';
import { useRitualSlots } from '../../../client/rituals/slots';
import { VotingBar } from '../../../client/rituals/VotingBar';
import { addCard, noteMember, readBoard } from '../../../shared/board';
import { addComment, readComments } from '../../../shared/board/comments';
import { readCurrentVotingRound, startVotingRound } from '../../../shared/board/rituals/dot-voting';
import {
  commitPokerVote,
  newPokerSalt,
  pokerCommitment,
  pokerCommitmentOf,
  publishPokerVote,
  readCardPokerRound,
  revealPokerRound,
  startPokerRound,
} from '../../../shared/board/rituals/poker';
import type { Participant } from '../../../shared/presence';
import { ada, destroyAll, grace, newAwareness, newBoard, remotePeer, SLOW_MACHINE_TIMEOUT_MS } from './setup';

const base = { cardExtras: () => null, renderCardPanel: () => null };

function Board({
  doc,
  awareness,
  me,
  readOnly,
  openCardId = null,
}: {
  doc: Y.Doc;
  awareness: Awareness;
  me: Participant;
  readOnly: boolean;
  openCardId?: string | null;
}) {
  const rituals = useRitualSlots(base, { boardId: 'b1', doc, awareness, me, readOnly });
  const columns = readBoard(doc).columns;
  return (
    <>
      <VotingBar doc={doc} me={me} readOnly={readOnly} columns={columns} />
      <BoardView
        doc={doc}
        awareness={awareness}
        me={me}
        readOnly={readOnly}
        openCardId={openCardId}
        {...rituals}
      />
    </>
  );
}

function setup(readOnly: boolean) {
  const doc = newBoard();
  noteMember(doc, ada);
  noteMember(doc, grace);
  const cardId = addCard(doc, { columnId: 'default-0', title: 'Pricing page', createdBy: ada.id });
  const awareness = newAwareness(doc);
  return { doc, cardId, awareness, readOnly };
}

afterEach(() => {
  cleanup();
  destroyAll();
  localStorage.clear();
});

describe('rituals on the board view', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('[B28] a read-only viewer reads comments, votes and the estimation round but can write none of them', () => {
    const { doc, cardId, awareness } = setup(true);
    addComment(doc, { cardId, author: grace.id, text: 'Looks right' }, { clock: () => 1000 });
    addComment(doc, { cardId, author: ada.id, text: 'My own comment' }, { clock: () => 2000 });
    startVotingRound(doc, { startedBy: grace.id });
    startPokerRound(doc, { cardId, deck: ['1', '2', '3'], startedBy: grace.id });
    render(<Board doc={doc} awareness={awareness} me={ada} readOnly openCardId={cardId} />);
    const comments = screen.getByTestId('comments');
    expect(
      within(comments)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('.comment-text')?.textContent),
    ).toEqual(['Looks right', 'My own comment']);
    expect(within(comments).queryByRole('combobox')).toBeNull();
    expect(within(comments).queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(within(comments).queryByRole('button', { name: 'Delete' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Vote for / })).toBeNull();
    expect(screen.queryByRole('button', { name: 'End voting' })).toBeNull();
    expect(within(screen.getByTestId('poker')).queryByRole('button')).toBeNull();
    expect(screen.getByTestId('card-comments').getAttribute('data-count')).toBe('2');
  });

  it('[B21] voting and un-voting work from the keyboard, and the votes left follow', async () => {
    const { doc, awareness } = setup(false);
    const user = userEvent.setup();
    render(<Board doc={doc} awareness={awareness} me={ada} readOnly={false} />);
    await user.click(screen.getByRole('button', { name: 'Start dot voting' }));
    await user.click(screen.getByRole('button', { name: 'Start voting' }));
    expect(screen.getByTestId('votes-left').textContent).toContain('5 of 5 votes left');
    screen.getByRole('button', { name: 'Vote for Pricing page' }).focus();
    await user.keyboard('{Enter}{Enter}');
    expect(screen.getByTestId('votes-left').textContent).toContain('3 of 5 votes left');
    screen.getByRole('button', { name: 'Take back a vote from Pricing page' }).focus();
    await user.keyboard(' ');
    const round = readCurrentVotingRound(doc);
    expect(round?.tally.get(readBoard(doc).columns[0]?.cards[0]?.id ?? '')).toBe(1);
    expect(screen.getByTestId('votes-left').textContent).toContain('4 of 5 votes left');
  });

  it('[B29] @ opens the member list; arrows and Enter pick one; the comment records the mention by id', async () => {
    const { doc, cardId, awareness } = setup(false);
    const user = userEvent.setup();
    render(<Board doc={doc} awareness={awareness} me={ada} readOnly={false} openCardId={cardId} />);
    const field = within(screen.getByTestId('comments')).getByRole('combobox', { name: 'Add a comment' });
    await user.click(field);
    await user.keyboard('Ask @');
    const options = within(screen.getByTestId('comments')).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['Ada Lovelace', 'Grace Hopper']);
    await user.keyboard('{ArrowDown}{Enter}about it');
    expect((field as HTMLTextAreaElement).value).toBe('Ask @Grace Hopper about it');
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(readComments(doc, cardId)).toEqual([
      expect.objectContaining({ author: 'ada', text: 'Ask @Grace Hopper about it', mentions: ['grace'] }),
    ]);
    expect(screen.getByTestId('comments').querySelector('mark.mention')?.textContent).toBe('@Grace Hopper');
  });

  it('[B25][B26] two tabs of one browser pick at once: the pick matching the commitment the document kept is published', () => {
    const { doc, cardId } = setup(false);
    const roundId = startPokerRound(doc, { cardId, deck: ['1', '2', '3'], startedBy: ada.id });
    const tab = remotePeer(doc);
    tab.pull();
    for (const [tabDoc, value] of [
      [doc, '2'],
      [tab.doc, '3'],
    ] as const) {
      const salt = newPokerSalt();
      savePokerSecret(roundId, ada.id, { value, salt });
      commitPokerVote(tabDoc, { roundId, voterId: ada.id, commitment: pokerCommitment(value, salt) });
    }
    tab.push();
    tab.pull();
    const kept = pokerCommitmentOf(doc, roundId, ada.id);
    expect(pokerCommitmentOf(tab.doc, roundId, ada.id)).toBe(kept);
    revealPokerRound(doc, roundId, ada.id, [ada.id]);
    const secret = loadPokerSecret(roundId, ada.id, kept);
    expect(secret).not.toBeNull();
    expect(
      publishPokerVote(doc, { roundId, voterId: ada.id, ...(secret as { value: string; salt: string }) }),
    ).toBe(true);
    expect(readCardPokerRound(doc, cardId)?.values.get(ada.id)).toBe(secret?.value);
  });
});
