import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CardFilter,
  cardMatcher,
  endOfWeek,
  filterFromSearch,
  NO_FILTER,
  searchWithFilter,
} from '../../../client/app/card-filter';
import { FilterBar } from '../../../client/app/FilterBar';
import { addCard, addLabel, noteMember, readBoard, updateCard } from '../../../shared/board';
import { ada, destroyAll, grace, newBoard, renderBoard } from '../board/setup';

afterEach(() => {
  cleanup();
  destroyAll();
});

const TODAY = '2026-12-02'; // a Wednesday

function sampleBoard() {
  const doc = newBoard();
  noteMember(doc, ada);
  noteMember(doc, grace);
  const urgent = addLabel(doc, { name: 'Urgent', color: '#c92a2a' });
  const login = addCard(doc, { columnId: 'default-0', title: 'Fix login', createdBy: ada.id });
  updateCard(doc, login, { labels: [urgent], due: '2026-12-01', assignees: [grace.id] });
  const spec = addCard(doc, { columnId: 'default-0', title: 'Write the spec', createdBy: ada.id });
  updateCard(doc, spec, { due: '2026-12-06' });
  const later = addCard(doc, { columnId: 'default-1', title: 'Plan next year', createdBy: ada.id });
  updateCard(doc, later, { due: '2026-12-07', assignees: [ada.id] });
  return { doc, urgent, ids: { login, spec, later } };
}

const titlesMatching = (doc: ReturnType<typeof newBoard>, filter: CardFilter) => {
  const board = readBoard(doc);
  const match = cardMatcher(filter, board, TODAY);
  const cards = board.columns.flatMap((column) => column.cards);
  return (match ? cards.filter(match) : cards).map((card) => card.title);
};

describe('card filter', () => {
  it('matches every word of the text in title, labels and assignees; label, assignee and due narrow it', () => {
    const { doc, urgent } = sampleBoard();
    expect(titlesMatching(doc, NO_FILTER)).toHaveLength(3);
    expect(titlesMatching(doc, { ...NO_FILTER, text: 'LOGIN fix' })).toEqual(['Fix login']);
    expect(titlesMatching(doc, { ...NO_FILTER, text: 'urgent' })).toEqual(['Fix login']);
    expect(titlesMatching(doc, { ...NO_FILTER, text: 'hopper' })).toEqual(['Fix login']);
    expect(titlesMatching(doc, { ...NO_FILTER, labelId: urgent })).toEqual(['Fix login']);
    expect(titlesMatching(doc, { ...NO_FILTER, assigneeId: ada.id })).toEqual(['Plan next year']);
    expect(titlesMatching(doc, { ...NO_FILTER, due: 'overdue' })).toEqual(['Fix login']);
    // This week: today to Sunday the 6th; Monday the 7th is next week.
    expect(endOfWeek(TODAY)).toBe('2026-12-06');
    expect(endOfWeek('2026-12-06')).toBe('2026-12-06');
    expect(titlesMatching(doc, { ...NO_FILTER, due: 'week' })).toEqual(['Write the spec']);
  });

  it('lives in the URL beside the open card', () => {
    const filter: CardFilter = { text: 'fix login', labelId: 'l1', assigneeId: null, due: 'week' };
    const search = searchWithFilter('?card=c1', filter);
    expect(new URLSearchParams(search).get('card')).toBe('c1');
    expect(filterFromSearch(search)).toEqual(filter);
    expect(searchWithFilter(search, NO_FILTER)).toBe('?card=c1');
    expect(filterFromSearch('?due=someday')).toEqual(NO_FILTER);
  });

  it('hides the cards the filter does not let through on the board', () => {
    const { doc } = sampleBoard();
    const board = readBoard(doc);
    const match = cardMatcher({ ...NO_FILTER, text: 'spec' }, board, TODAY);
    renderBoard({ doc, cardFilter: match });
    expect(screen.getAllByRole('article').map((card) => card.getAttribute('aria-label'))).toEqual([
      'Write the spec',
    ]);
    // A card added that matches shows up.
    act(() => {
      addCard(doc, { columnId: 'default-2', title: 'Spec review', createdBy: ada.id });
    });
    expect(screen.getAllByRole('article')).toHaveLength(2);
  });

  it('offers text, label, assignee and due, counts what is shown and clears', () => {
    const { doc, urgent } = sampleBoard();
    const board = readBoard(doc);
    const onChange = vi.fn();
    const { rerender } = render(
      <FilterBar
        filter={NO_FILTER}
        labels={board.labels}
        members={board.members}
        onChange={onChange}
        shown={3}
        total={3}
      />,
    );
    const bar = screen.getByRole('search', { name: 'Filter cards' });
    fireEvent.change(within(bar).getByRole('searchbox', { name: 'Filter cards by text' }), {
      target: { value: 'login' },
    });
    expect(onChange).toHaveBeenLastCalledWith({ ...NO_FILTER, text: 'login' });
    fireEvent.change(within(bar).getByRole('combobox', { name: 'Label' }), { target: { value: urgent } });
    expect(onChange).toHaveBeenLastCalledWith({ ...NO_FILTER, labelId: urgent });
    fireEvent.change(within(bar).getByRole('combobox', { name: 'Assignee' }), {
      target: { value: grace.id },
    });
    expect(onChange).toHaveBeenLastCalledWith({ ...NO_FILTER, assigneeId: grace.id });
    fireEvent.change(within(bar).getByRole('combobox', { name: 'Due' }), { target: { value: 'overdue' } });
    expect(onChange).toHaveBeenLastCalledWith({ ...NO_FILTER, due: 'overdue' });
    expect(within(bar).queryByRole('button', { name: 'Clear filter' })).toBeNull();

    rerender(
      <FilterBar
        filter={{ ...NO_FILTER, text: 'login' }}
        labels={board.labels}
        members={board.members}
        onChange={onChange}
        shown={1}
        total={3}
      />,
    );
    expect(within(bar).getByRole('status').textContent).toBe('1 of 3 cards');
    fireEvent.click(within(bar).getByRole('button', { name: 'Clear filter' }));
    expect(onChange).toHaveBeenLastCalledWith(NO_FILTER);
  });
});
