import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { removeAwarenessStates } from 'y-protocols/awareness';
import {
  addCard,
  addLabel,
  initBoard,
  moveCard,
  noteMember,
  readBoard,
  renameColumn,
} from '../../../shared/board';
import { writeDescriptionSummary } from '../../../shared/description-summary';
import { readBoardPresence } from '../../../shared/presence';
import {
  ada,
  column,
  destroyAll,
  grace,
  newAwareness,
  newBoard,
  newDoc,
  remotePeer,
  renderBoard,
  SLOW_MACHINE_TIMEOUT_MS,
} from './setup';

afterEach(() => {
  cleanup();
  destroyAll();
});

const cardTitles = (title: string) =>
  within(column(title))
    .queryAllByRole('article')
    .map((card) => card.getAttribute('aria-label'));

function addCardVia(columnTitle: string, title: string) {
  fireEvent.click(within(column(columnTitle)).getByRole('button', { name: `+ Add card to ${columnTitle}` }));
  const input = screen.getByRole('textbox', { name: `New card title in ${columnTitle}` });
  fireEvent.change(input, { target: { value: title } });
  fireEvent.keyDown(input, { key: 'Enter' });
}

describe('BoardView', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('shows the columns and cards of the document, with stable test ids', () => {
    const { doc } = renderBoard();
    expect(screen.getAllByRole('region').map((r) => r.getAttribute('aria-label'))).toEqual([
      'To do',
      'Doing',
      'Done',
    ]);
    expect(screen.getByTestId('column-default-0')).toBeTruthy();
    act(() => {
      addCard(doc, { columnId: 'default-1', title: 'Write the spec', createdBy: ada.id });
    });
    const id = readBoard(doc).columns[1]?.cards[0]?.id;
    expect(screen.getByTestId(`card-${id}`).textContent).toContain('Write the spec');
  });

  it('says the board is loading until its document has been initialised', () => {
    const doc = newDoc(1);
    renderBoard({ doc });
    expect(screen.getByRole('heading', { name: 'Loading board…' })).toBeTruthy();
    expect(screen.getByText('Waiting for the board to arrive…')).toBeTruthy();
    const creator = remotePeer(doc, 7);
    initBoard(creator.doc, { title: 'Arrived', createdBy: grace.id });
    creator.push();
    expect(screen.getByRole('heading', { name: 'Arrived (rename board)' })).toBeTruthy();
    expect(screen.getAllByRole('region')).toHaveLength(3);
  });

  it('adds cards from the column composer, which stays open for the next one', () => {
    const { doc } = renderBoard();
    addCardVia('To do', 'First');
    const input = screen.getByRole('textbox', { name: 'New card title in To do' });
    fireEvent.change(input, { target: { value: 'Second' } });
    fireEvent.click(within(column('To do')).getByRole('button', { name: 'Add card' }));
    expect(cardTitles('To do')).toEqual(['First', 'Second']);
    expect(readBoard(doc).columns[0]?.cards.map((c) => c.createdBy)).toEqual([ada.id, ada.id]);
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByRole('textbox', { name: 'New card title in To do' })).toBeNull();
  });

  it('adds, renames and deletes columns (deleting asks first)', () => {
    const { doc } = renderBoard();
    addCardVia('Doing', 'In flight');
    fireEvent.click(screen.getByRole('button', { name: '+ Add column' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'New column title' }), {
      target: { value: 'Review' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add column' }));
    expect(column('Review')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Rename column Review' }));
    const title = screen.getByRole('textbox', { name: 'Column title' });
    fireEvent.change(title, { target: { value: 'QA' } });
    fireEvent.keyDown(title, { key: 'Enter' });
    expect(column('QA')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Delete column Doing' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete column “Doing”?' });
    expect(dialog.textContent).toContain("goes to the board's trash with its card");
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(column('Doing')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Delete column Doing' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete column' }));
    expect(screen.queryByRole('region', { name: 'Doing' })).toBeNull();
    expect(readBoard(doc).cards.size).toBe(0);
  });

  it('opens a card in a side panel to rename, label, assign, date, archive and delete it', () => {
    const { doc } = renderBoard();
    let bug = '';
    act(() => {
      bug = addLabel(doc, { name: 'bug', color: '#e03131' });
      noteMember(doc, grace);
    });
    addCardVia('To do', 'Fix login');
    fireEvent.click(screen.getByRole('button', { name: 'Fix login' }));
    const panel = screen.getByRole('dialog', { name: 'Card: Fix login' });

    fireEvent.click(within(panel).getByRole('button', { name: 'Fix login (rename)' }));
    const title = within(panel).getByRole('textbox', { name: 'Card title' });
    fireEvent.change(title, { target: { value: 'Fix the login form' } });
    fireEvent.keyDown(title, { key: 'Enter' });
    fireEvent.click(within(panel).getByRole('checkbox', { name: 'bug' }));
    fireEvent.click(within(panel).getByRole('checkbox', { name: 'Grace Hopper' }));
    fireEvent.change(within(panel).getByLabelText('Due date'), { target: { value: '2030-05-01' } });
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Column' }), {
      target: { value: 'default-2' },
    });

    const card = readBoard(doc).columns[2]?.cards[0];
    expect(card).toMatchObject({
      title: 'Fix the login form',
      labels: [bug],
      assignees: [grace.id],
      due: '2030-05-01',
    });
    const tile = screen.getByTestId(`card-${card?.id}`);
    expect(within(tile).getByText('bug')).toBeTruthy();
    expect(within(tile).getByLabelText('Grace Hopper')).toBeTruthy();
    expect(tile.textContent).toContain('Due');

    fireEvent.click(within(panel).getByRole('button', { name: 'Archive card' }));
    expect(cardTitles('Done')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Archived (1)' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Unarchive card' }));
    expect(cardTitles('Done')).toEqual(['Fix the login form']);

    fireEvent.click(within(panel).getByRole('button', { name: 'Delete card' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete card' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(readBoard(doc).cards.size).toBe(0);
  });

  it('creates labels from the card panel', () => {
    const { doc } = renderBoard();
    addCardVia('To do', 'Card');
    fireEvent.click(screen.getByRole('button', { name: 'Card' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'New label name' }), {
      target: { value: 'urgent' },
    });
    fireEvent.click(screen.getByRole('radio', { name: 'colour #2f9e44' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add label' }));
    expect(readBoard(doc).labels).toMatchObject([{ name: 'urgent', color: '#2f9e44' }]);
    expect(screen.getByRole('checkbox', { name: 'urgent' })).toBeTruthy();
  });

  it('shows a change made on another replica', () => {
    const { doc } = renderBoard();
    const peer = remotePeer(doc);
    addCard(peer.doc, { columnId: 'default-0', title: 'From Grace', createdBy: grace.id });
    renameColumn(peer.doc, 'default-2', 'Shipped');
    peer.push();
    expect(cardTitles('To do')).toEqual(['From Grace']);
    expect(column('Shipped')).toBeTruthy();
  });

  it('shows a column deleted while someone moved a card into it, and can keep it', () => {
    const { doc } = renderBoard();
    act(() => {
      addCard(doc, { columnId: 'default-0', title: 'Moving', createdBy: ada.id });
    });
    const id = readBoard(doc).columns[0]?.cards[0]?.id ?? '';
    const peer = remotePeer(doc);
    fireEvent.click(screen.getByRole('button', { name: 'Delete column Done' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete column' }));
    expect(screen.queryByRole('region', { name: 'Done' })).toBeNull();
    moveCard(peer.doc, id, { columnId: 'default-2', index: 0 });
    peer.push();
    const done = column('Done');
    expect(within(done).getByRole('note').textContent).toContain(
      'was deleted while someone moved a card into it',
    );
    expect(cardTitles('Done')).toEqual(['Moving']);
    fireEvent.click(within(done).getByRole('button', { name: 'Keep column' }));
    expect(within(column('Done')).queryByRole('note')).toBeNull();
    expect(readBoard(doc).columns.map((c) => [c.title, c.resurrected])).toEqual([
      ['To do', false],
      ['Doing', false],
      ['Done', false],
    ]);
  });

  it('renders the description slot and the card extras', () => {
    const { doc } = renderBoard({
      renderCardPanel: (cardId) => <p>Editor for {cardId}</p>,
      cardExtras: (card) => <span data-testid={`extras-${card.id}`}>2/3 done</span>,
    });
    act(() => {
      addCard(doc, { columnId: 'default-0', title: 'Card', createdBy: ada.id });
    });
    const id = readBoard(doc).columns[0]?.cards[0]?.id;
    expect(screen.getByTestId(`extras-${id}`).textContent).toBe('2/3 done');
    fireEvent.click(screen.getByRole('button', { name: 'Card' }));
    expect(within(screen.getByTestId('card-description-slot')).getByText(`Editor for ${id}`)).toBeTruthy();
  });

  it("passes each card's snapshot to the extras, with its stored description summary, as it changes", () => {
    const { doc } = renderBoard({
      cardExtras: (card) => (
        <span data-testid={`extras-${card.id}`}>
          {card.descriptionPreview
            ? `${card.descriptionPreview.preview} ${card.descriptionPreview.checklist.done}/${card.descriptionPreview.checklist.total}`
            : 'none'}
        </span>
      ),
    });
    let id = '';
    act(() => {
      id = addCard(doc, { columnId: 'default-0', title: 'Card', createdBy: ada.id });
    });
    expect(screen.getByTestId(`extras-${id}`).textContent).toBe('none');
    const peer = remotePeer(doc);
    writeDescriptionSummary(peer.doc, id, { preview: 'Plan', checklist: { done: 1, total: 2 } });
    peer.push();
    expect(screen.getByTestId(`extras-${id}`).textContent).toBe('Plan 1/2');
  });

  it('reports opening and closing a card, and can be controlled', () => {
    const opened: (string | null)[] = [];
    const { doc, awareness } = renderBoard({ onOpenCard: (id) => opened.push(id) });
    addCardVia('To do', 'Card');
    const id = readBoard(doc).columns[0]?.cards[0]?.id ?? '';
    fireEvent.click(screen.getByRole('button', { name: 'Card' }));
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(opened).toEqual([id, null]);
    cleanup();
    renderBoard({ doc, awareness, openCardId: id });
    expect(screen.getByRole('dialog', { name: 'Card: Card' })).toBeTruthy();
  });
});

describe('BoardView undo', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('undoes and redoes only local changes, with Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z', () => {
    const { doc } = renderBoard();
    const peer = remotePeer(doc);
    addCardVia('To do', 'Mine');
    peer.pull();
    addCard(peer.doc, { columnId: 'default-0', title: 'Theirs', createdBy: grace.id });
    peer.push();
    expect(cardTitles('To do')).toEqual(['Mine', 'Theirs']);

    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect(cardTitles('To do')).toEqual(['Theirs']);
    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect(cardTitles('To do')).toEqual(['Theirs']);
    fireEvent.keyDown(document.body, { key: 'Z', metaKey: true, shiftKey: true });
    expect(cardTitles('To do')).toEqual(['Mine', 'Theirs']);
  });

  it('has undo and redo buttons, and leaves Ctrl+Z in text fields alone', () => {
    renderBoard();
    const undo = screen.getByRole('button', { name: 'Undo' }) as HTMLButtonElement;
    expect(undo.disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Rename column To do' }));
    const input = screen.getByRole('textbox', { name: 'Column title' });
    fireEvent.change(input, { target: { value: 'Backlog' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(undo.disabled).toBe(false);
    addCardVia('Backlog', 'Draft');
    const composer = screen.getByRole('textbox', { name: 'New card title in Backlog' });
    fireEvent.keyDown(composer, { key: 'z', ctrlKey: true });
    expect(cardTitles('Backlog')).toEqual(['Draft']);
    fireEvent.click(undo);
    fireEvent.click(undo);
    expect(screen.getByRole('region', { name: 'To do' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Redo' }));
    expect(screen.getByRole('region', { name: 'Backlog' })).toBeTruthy();
  });
});

describe('BoardView presence', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('shows one avatar per person on the board, and removes it when they leave', () => {
    const { doc, awareness } = renderBoard();
    const avatars = () => screen.getAllByTestId('presence-avatar').map((a) => a.getAttribute('aria-label'));
    expect(avatars()).toEqual(['Ada Lovelace (you)']);

    const tab1 = remotePeer(doc, 2);
    const tab2 = remotePeer(doc, 3);
    tab1.announce(awareness, { user: grace, openCardId: null, editingCardId: null });
    tab2.announce(awareness, { user: grace, openCardId: null, editingCardId: null });
    expect(avatars()).toEqual(['Ada Lovelace (you)', 'Grace Hopper']);

    act(() => removeAwarenessStates(awareness, [tab1.awareness.clientID, tab2.awareness.clientID], 'remote'));
    expect(avatars()).toEqual(['Ada Lovelace (you)']);
  });

  it('marks the cards others have open or are editing, and publishes the card we open', () => {
    const { doc, awareness } = renderBoard();
    act(() => {
      addCard(doc, { columnId: 'default-0', title: 'Shared', createdBy: ada.id });
    });
    const id = readBoard(doc).columns[0]?.cards[0]?.id ?? '';
    const tile = () => screen.getByTestId(`card-${id}`);
    const peer = remotePeer(doc);
    peer.announce(awareness, { user: grace, openCardId: id, editingCardId: null });
    expect(within(tile()).getByTestId('card-viewer').getAttribute('aria-label')).toBe(
      'Grace Hopper has this card open',
    );
    peer.announce(awareness, { user: grace, openCardId: id, editingCardId: id });
    expect(within(tile()).queryByTestId('card-viewer')).toBeNull();
    expect(within(tile()).getByTestId('card-editor').getAttribute('aria-label')).toBe(
      'Grace Hopper is editing the description',
    );
    peer.announce(awareness, { user: grace, openCardId: null, editingCardId: null });
    expect(within(tile()).queryByTestId('card-editor')).toBeNull();

    expect(readBoardPresence(awareness.getLocalState())).toEqual({
      user: ada,
      openCardId: null,
      editingCardId: null,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Shared' }));
    expect(readBoardPresence(awareness.getLocalState())?.openCardId).toBe(id);
    fireEvent.click(screen.getByRole('button', { name: 'Close card' }));
    expect(readBoardPresence(awareness.getLocalState())?.openCardId).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Shared' }));
  });

  it('keeps the user set by the app shell and only changes openCardId', () => {
    const doc = newBoard();
    const awareness = newAwareness(doc);
    awareness.setLocalState({ user: grace, openCardId: null, editingCardId: 'x' });
    renderBoard({ doc, awareness, me: grace });
    expect(readBoardPresence(awareness.getLocalState())).toEqual({
      user: grace,
      openCardId: null,
      editingCardId: 'x',
    });
  });
});
