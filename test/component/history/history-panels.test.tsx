/**
 * The board's history in the board view (client/history): the Trash dialog restores and purges (a restore
 * is one undo step, a read-only viewer sees the trash without the buttons), the Activity dialog filters
 * by person and card and opens a card, the card panel lists its own entries.
 */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { addCard, deleteCard, deleteColumn, moveCard, noteMember, readBoard } from '../../../shared/board';
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

/** A board Grace filled: cards, one moved, one deleted, a column deleted with its card. */
function filledBoard() {
  const doc = newBoard();
  const peer = remotePeer(doc);
  let now = Date.now() - 60_000;
  const opts = { actor: grace.id, clock: () => (now += 1000) };
  noteMember(peer.doc, grace);
  noteMember(peer.doc, ada);
  const fix = addCard(peer.doc, { columnId: 'default-0', title: 'Fix login', createdBy: grace.id }, opts);
  moveCard(peer.doc, fix, { columnId: 'default-2', index: 0 }, opts);
  const notes = addCard(
    peer.doc,
    { columnId: 'default-0', title: 'Release notes', createdBy: grace.id },
    opts,
  );
  deleteCard(peer.doc, notes, opts);
  addCard(peer.doc, { columnId: 'default-1', title: 'Spike', createdBy: grace.id }, opts);
  deleteColumn(peer.doc, 'default-1', opts);
  peer.push();
  return { doc, fix, notes };
}

function renderWithHistory(props: { readOnly?: boolean } = {}) {
  const { doc, fix, notes } = filledBoard();
  render(
    <HistoryBoard doc={doc} awareness={newAwareness(doc)} me={ada} readOnly={props.readOnly ?? false} />,
  );
  return { doc, fix, notes };
}

describe('the trash dialog', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('[B15.1][B15.2] lists what was deleted, with who, and restores a card as one undo step', () => {
    const { doc, notes } = renderWithHistory();
    fireEvent.click(screen.getByRole('button', { name: 'Trash (2)' }));
    const dialog = screen.getByTestId('trash-panel');
    const items = within(dialog).getAllByTestId('trash-item');
    expect(items.map((item) => item.dataset.kind)).toEqual(['column', 'card']);
    expect(items[0]?.textContent).toContain('Doing');
    expect(items[0]?.textContent).toContain('Spike');
    expect(items[1]?.textContent).toContain('Release notes');
    expect(items[1]?.textContent).toContain('Deleted by Grace Hopper');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore Release notes' }));
    expect(readBoard(doc).cards.has(notes)).toBe(true);
    expect(within(dialog).getAllByTestId('trash-item')).toHaveLength(1);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(readBoard(doc).cards.has(notes)).toBe(false);
    expect(readBoard(doc).trash.map((item) => item.id)).toContain(notes);
  });

  it('[B15.4] purges only after a second click', () => {
    const { doc, notes } = renderWithHistory();
    fireEvent.click(screen.getByTestId('trash-button'));
    const dialog = screen.getByTestId('trash-panel');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Purge Release notes' }));
    expect(readBoard(doc).trash).toHaveLength(2);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Purge Release notes for good' }));
    expect(readBoard(doc).trash.map((item) => item.id)).toEqual(['default-1']);
    expect(doc.getMap('purged').has(notes)).toBe(true);
  });

  it('[B15.5] a read-only viewer sees the trash but cannot restore or purge', () => {
    renderWithHistory({ readOnly: true });
    fireEvent.click(screen.getByTestId('trash-button'));
    const dialog = screen.getByTestId('trash-panel');
    expect(within(dialog).getAllByTestId('trash-item')).toHaveLength(2);
    expect(within(dialog).queryByRole('button', { name: /Restore|Purge/ })).toBeNull();
    expect(within(dialog).queryByRole('combobox')).toBeNull();
    expect(dialog.textContent).toContain('Read-only');
  });
});

describe('the activity dialog', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('[B14.1] shows the feed newest first, filters by person and card, and opens a card', () => {
    const { doc, fix } = renderWithHistory();
    // Ada makes a change here: her entry shows at once.
    act(() => {
      addCard(
        doc,
        { columnId: 'default-0', title: 'Mine', createdBy: ada.id },
        { clock: () => Date.now() + 1000 },
      );
    });
    fireEvent.click(screen.getByRole('button', { name: 'Activity' }));
    const dialog = screen.getByTestId('activity-panel');
    const texts = () =>
      within(dialog)
        .queryAllByTestId('activity-entry')
        .map((entry) => entry.textContent ?? '');
    expect(texts()[0]).toMatch(/^Ada Lovelace added Mine to To do/);
    expect(texts().some((text) => text.startsWith('Grace Hopper moved Fix login from To do to Done'))).toBe(
      true,
    );
    fireEvent.change(within(dialog).getByLabelText('Person'), { target: { value: ada.id } });
    expect(texts().map((text) => text.replace(/(just now|\d+ \w+ ago)(, open the card)?$/, ''))).toEqual([
      'Ada Lovelace added Mine to To do',
      'Ada Lovelace created the board Launch',
    ]);
    fireEvent.change(within(dialog).getByLabelText('Person'), { target: { value: '' } });
    fireEvent.change(within(dialog).getByLabelText('Card'), { target: { value: fix } });
    expect(texts().map((text) => text.replace(/(just now|\d+ \w+ ago)(, open the card)?$/, ''))).toEqual([
      'Grace Hopper moved Fix login from To do to Done',
      'Grace Hopper added Fix login to To do',
    ]);
    fireEvent.click(within(dialog).getAllByRole('button', { name: /moved Fix login.*, open the card$/ })[0]!);
    expect(screen.queryByTestId('activity-panel')).toBeNull();
    const panel = screen.getByTestId('card-activity');
    expect(within(panel).getAllByTestId('activity-entry')).toHaveLength(2);
  });
});
