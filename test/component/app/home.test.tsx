import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Home } from '../../../client/app/Home';
import { loadRecentBoards, rememberBoard } from '../../../client/app/recent-boards';

const NOW = Date.parse('2026-12-04T12:00:00Z');

beforeEach(() => {
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('home', () => {
  it('lists boards by name with when each was opened and who last changed it, never the raw id', () => {
    rememberBoard('b9XzQ2', {
      title: 'Launch plan',
      openedAt: NOW - 5 * 60_000,
      changedAt: NOW - 2 * 3_600_000,
      changedBy: 'Grace Hopper',
    });
    rememberBoard('k3Lm8P', { title: '', openedAt: NOW - 3 * 86_400_000 });
    render(<Home />);
    const list = screen.getByRole('list', { name: 'Your boards' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(within(items[0] as HTMLElement).getByRole('link', { name: 'Launch plan' })).toBeTruthy();
    expect(items[0]?.textContent).toContain('Opened 5 minutes ago');
    expect(items[0]?.textContent).toContain('Changed 2 hours ago by Grace Hopper');
    expect(within(items[1] as HTMLElement).getByRole('link', { name: 'Untitled board' })).toBeTruthy();
    expect(items[1]?.textContent).toContain('Opened 3 days ago');
    expect(list.textContent).not.toContain('b9XzQ2');
    expect(list.textContent).not.toContain('k3Lm8P');
  });

  it('removes a board from the list, and the removal can be undone', () => {
    rememberBoard('b9XzQ2', { title: 'Launch plan', openedAt: NOW - 60_000 });
    render(<Home />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove Launch plan from this list' }));
    expect(screen.queryByRole('link', { name: 'Launch plan' })).toBeNull();
    expect(loadRecentBoards()).toEqual([]);
    expect(screen.getByRole('status').textContent).toContain('Removed “Launch plan” from this list.');
    act(() => fireEvent.click(screen.getByRole('button', { name: 'Undo' })));
    expect(screen.getByRole('link', { name: 'Launch plan' })).toBeTruthy();
    expect(loadRecentBoards().map((board) => board.id)).toEqual(['b9XzQ2']);
  });
});
