import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { BoardView } from '../../../client/board';
import {
  addCard,
  addLabel,
  deleteColumn,
  moveCard,
  noteMember,
  readBoard,
  updateCard,
} from '../../../shared/board';
import { readBoardPresence } from '../../../shared/presence';
import {
  ada,
  column,
  destroyAll,
  grace,
  newAwareness,
  newBoard,
  remotePeer,
  renderBoard,
  SLOW_MACHINE_TIMEOUT_MS,
} from './setup';

afterEach(() => {
  cleanup();
  destroyAll();
});

/** A board someone else filled: a card with a label, an assignee and a due date, and an archived card. */
function filledBoard() {
  const doc = newBoard();
  const peer = remotePeer(doc);
  const bug = addLabel(peer.doc, { name: 'bug', color: '#e03131' });
  noteMember(peer.doc, grace);
  const card = addCard(peer.doc, { columnId: 'default-0', title: 'Fix login', createdBy: grace.id });
  updateCard(peer.doc, card, { labels: [bug], assignees: [grace.id], due: '2030-05-01' });
  const archived = addCard(peer.doc, { columnId: 'default-1', title: 'Old idea', createdBy: grace.id });
  updateCard(peer.doc, archived, { archived: true });
  peer.push();
  return { doc, peer, card };
}

/** Counts the document updates this view makes (remote ones are applied with origin 'remote'). */
function countLocalWrites(doc: ReturnType<typeof newBoard>) {
  const writes = { count: 0 };
  doc.on('update', (_update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') writes.count++;
  });
  return writes;
}

describe('BoardView readOnly', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('shows the board with a read-only note and no way to add, rename, delete or move', () => {
    const { doc } = filledBoard();
    renderBoard({ doc, readOnly: true });

    expect(screen.getByTestId('board-read-only').textContent).toContain('Read-only');
    expect(screen.getAllByRole('region').map((r) => r.getAttribute('aria-label'))).toEqual([
      'To do',
      'Doing',
      'Done',
    ]);
    expect(within(column('To do')).getByRole('article', { name: 'Fix login' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Launch' })).toBeTruthy();

    // Nothing that edits: no composer, no column or card actions, no grips, no undo, no renaming.
    for (const name of [/add card/i, /add column/i, /^rename/i, /^delete/i, /^move/i, /^undo$/i, /^redo$/i]) {
      expect(screen.queryAllByRole('button', { name })).toEqual([]);
    }
    expect(document.querySelectorAll('[aria-roledescription]')).toHaveLength(0);
    fireEvent.doubleClick(within(column('To do')).getByRole('heading', { name: 'To do' }));
    expect(screen.queryByRole('textbox')).toBeNull();

    // Archived cards can be listed and opened, not restored.
    fireEvent.click(screen.getByRole('button', { name: 'Archived (1)' }));
    const archive = screen.getByRole('region', { name: 'Archived cards' });
    expect(within(archive).queryByRole('button', { name: /restore/i })).toBeNull();
    expect(within(archive).getByRole('button', { name: 'Old idea' })).toBeTruthy();
  });

  it('opens a card: its fields are shown but cannot be changed, and presence says which card is open', () => {
    const { doc, card } = filledBoard();
    const { awareness } = renderBoard({
      doc,
      readOnly: true,
      renderCardPanel: (cardId) => <p>Description of {cardId}</p>,
    });
    const writes = countLocalWrites(doc);

    fireEvent.click(screen.getByRole('button', { name: 'Fix login' }));
    const panel = screen.getByRole('dialog', { name: 'Card: Fix login' });
    expect(readBoardPresence(awareness.getLocalState())?.openCardId).toBe(card);
    expect(within(panel).getByText(`Description of ${card}`)).toBeTruthy();

    expect(within(panel).getByRole('heading', { name: 'Fix login' })).toBeTruthy();
    expect(within(panel).queryByRole('button', { name: /rename/i })).toBeNull();
    const bug = within(panel).getByRole('checkbox', { name: 'bug' }) as HTMLInputElement;
    const grace = within(panel).getByRole('checkbox', { name: 'Grace Hopper' }) as HTMLInputElement;
    const columnSelect = within(panel).getByRole('combobox', { name: 'Column' }) as HTMLSelectElement;
    const due = within(panel).getByLabelText('Due date') as HTMLInputElement;
    expect([bug.checked, grace.checked, due.value]).toEqual([true, true, '2030-05-01']);
    for (const control of [bug, grace, columnSelect, due]) expect(control.disabled).toBe(true);
    for (const name of [/archive/i, /delete/i, /clear/i, /add label/i]) {
      expect(within(panel).queryAllByRole('button', { name })).toEqual([]);
    }
    expect(within(panel).queryByText('Edit labels')).toBeNull();

    fireEvent.click(within(panel).getByRole('button', { name: 'Close card' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(readBoardPresence(awareness.getLocalState())?.openCardId).toBeNull();
    expect(writes.count).toBe(0);
  });

  it('writes nothing to the board: no member record on mount, no undo from the keyboard', () => {
    const doc = newBoard();
    const awareness = newAwareness(doc);
    const { rerender } = render(<BoardView doc={doc} awareness={awareness} me={ada} />);
    fireEvent.click(within(column('To do')).getByRole('button', { name: '+ Add card to To do' }));
    const input = screen.getByRole('textbox', { name: 'New card title in To do' });
    fireEvent.change(input, { target: { value: 'Mine' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(readBoard(doc).columns[0]?.cards.map((c) => c.title)).toEqual(['Mine']);

    // The link turns out to be read-only: the open composer goes, and Ctrl+Z no longer undoes.
    rerender(<BoardView doc={doc} awareness={awareness} me={ada} readOnly />);
    expect(screen.queryByRole('textbox', { name: 'New card title in To do' })).toBeNull();
    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect(readBoard(doc).columns[0]?.cards.map((c) => c.title)).toEqual(['Mine']);

    // A viewer opening a board does not record itself as a member (that write would never be saved).
    cleanup();
    const other = newBoard();
    const writes = countLocalWrites(other);
    renderBoard({ doc: other, me: grace, readOnly: true });
    expect(readBoard(other).members).toEqual([]);
    expect(writes.count).toBe(0);
  });

  it('shows a resurrected column without offering to keep it, and follows remote changes', () => {
    const doc = newBoard();
    let id = '';
    act(() => {
      id = addCard(doc, { columnId: 'default-0', title: 'Moving', createdBy: ada.id });
    });
    const peer = remotePeer(doc);
    renderBoard({ doc, readOnly: true });
    act(() => {
      deleteColumn(doc, 'default-2');
    });
    moveCard(peer.doc, id, { columnId: 'default-2', index: 0 });
    peer.push();
    const done = column('Done');
    expect(within(done).getByRole('note').textContent).toContain('was deleted while someone moved a card');
    expect(within(done).queryByRole('button', { name: 'Keep column' })).toBeNull();
    expect(within(done).getByRole('article', { name: 'Moving' })).toBeTruthy();
  });

  it('keeps showing who else is on the board and which card they have open', () => {
    const { doc, card } = filledBoard();
    const { awareness } = renderBoard({ doc, readOnly: true });
    const peer = remotePeer(doc, 9);
    peer.announce(awareness, { user: grace, openCardId: card, editingCardId: null });
    expect(
      screen.getAllByTestId('presence-avatar').map((avatar) => avatar.getAttribute('aria-label')),
    ).toEqual(['Ada Lovelace (you)', 'Grace Hopper']);
    expect(
      within(screen.getByTestId(`card-${card}`))
        .getByTestId('card-viewer')
        .getAttribute('aria-label'),
    ).toBe('Grace Hopper has this card open');
  });
});
