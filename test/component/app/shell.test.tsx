import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Home } from '../../../client/app/Home';
import { IdentityForm } from '../../../client/app/IdentityForm';
import { loadIdentity } from '../../../client/app/identity';
import { loadRecentBoards, rememberBoard } from '../../../client/app/recent-boards';
import { StatusBar, savedLabel, shortSavedLabel } from '../../../client/app/StatusBar';
import { syncStatus as status } from './sync-fakes';

beforeEach(() => {
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterEach(cleanup);

describe('StatusBar', () => {
  it('says online and saved when everything is stored', () => {
    render(<StatusBar status={status({})} />);
    expect(screen.getByTestId('sync-connection').textContent).toBe('Online');
    expect(screen.getByTestId('sync-saved').textContent).toBe('Saved');
  });

  it('counts the changes still waiting, and says when offline or refused', () => {
    const { rerender } = render(
      <StatusBar status={status({ connection: 'offline', saved: false, pending: 3 })} />,
    );
    expect(screen.getByTestId('sync-connection').textContent).toBe('You are offline');
    expect(screen.getByTestId('sync-saved').textContent).toBe('3 changes waiting');
    rerender(<StatusBar status={status({ connection: 'connecting', saved: false, pending: 1 })} />);
    expect(screen.getByTestId('sync-connection').textContent).toBe('Connecting…');
    expect(screen.getByTestId('sync-saved').textContent).toBe('1 change waiting');
    rerender(<StatusBar status={status({ connection: 'denied' })} />);
    expect(screen.getByTestId('sync-connection').textContent).toBe('Access denied');
    expect(screen.queryByTestId('sync-read-only')).toBeNull();
    rerender(<StatusBar status={status({ readOnly: true, saved: false, pending: 2 })} />);
    expect(screen.getByTestId('sync-read-only').textContent).toBe('Read only');
    expect(screen.getByTestId('sync-saved').textContent).toBe('2 changes not saved (read only)');
  });

  it("counts in a person's terms: the board's changes one per edit, descriptions one per card", () => {
    const unsaved = (pending: number) => status({ saved: false, pending });
    expect(savedLabel(unsaved(2))).toBe('2 changes waiting');
    expect(savedLabel(status({}), 1)).toBe('1 card waiting to sync');
    expect(savedLabel(status({}), 2)).toBe('2 cards waiting to sync');
    expect(savedLabel(unsaved(1), 3)).toBe('1 change and 3 cards waiting to sync');
    // A card's preview (written for the person) waits without being counted as their change.
    expect(savedLabel(unsaved(0), 1)).toBe('1 card waiting to sync');
    expect(savedLabel(unsaved(0))).toBe('Waiting to sync');
    // A phone's few words count changes and cards together.
    expect(shortSavedLabel(unsaved(1), 3)).toBe('4 waiting');
    expect(shortSavedLabel(unsaved(0))).toBe('Waiting');
    expect(shortSavedLabel(status({}))).toBe('Saved');
    expect(shortSavedLabel(status({ readOnly: true, saved: false, pending: 2 }))).toBe('Not saved');

    // "Saved" covers every description of the board, open or not.
    const { rerender } = render(<StatusBar status={status({})} cardsWaiting={1} />);
    const saved = screen.getByTestId('sync-saved');
    expect(saved.textContent).toBe('1 card waiting to sync');
    expect(saved.getAttribute('data-saved')).toBe('false');
    rerender(<StatusBar status={status({})} cardsWaiting={0} />);
    expect(saved.textContent).toBe('Saved');
    expect(saved.getAttribute('data-saved')).toBe('true');
  });

  it('tells no network apart from a server that does not answer, counts down to the retry, offers "Retry now"', () => {
    vi.useFakeTimers({ now: 100_000 });
    try {
      const retry = vi.fn();
      const { rerender } = render(<StatusBar status={status({ connection: 'offline' })} onRetry={retry} />);
      expect(screen.getByTestId('sync-connection').textContent).toBe('You are offline');
      expect(screen.queryByRole('button', { name: 'Retry now' })).toBeNull();

      rerender(
        <StatusBar status={status({ connection: 'unreachable', retryAt: 103_000 })} onRetry={retry} />,
      );
      expect(screen.getByTestId('sync-connection').textContent).toBe('Server unreachable');
      expect(screen.getByTestId('sync-retry').textContent).toBe(', retrying in 3 s');
      act(() => vi.advanceTimersByTime(1_000));
      expect(screen.getByTestId('sync-retry').textContent).toBe(', retrying in 2 s');
      fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
      expect(retry).toHaveBeenCalledTimes(1);

      // The attempt is under way: no time to count down to.
      rerender(<StatusBar status={status({ connection: 'unreachable', retryAt: null })} onRetry={retry} />);
      expect(screen.getByTestId('sync-retry').textContent).toBe(', retrying…');
      rerender(<StatusBar status={status({ connection: 'online' })} onRetry={retry} />);
      expect(screen.queryByTestId('sync-retry')).toBeNull();
      expect(screen.queryByRole('button', { name: 'Retry now' })).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('IdentityForm', () => {
  it('keeps the name and colour locally with an id generated once', () => {
    let saved: unknown = null;
    const { unmount } = render(
      <IdentityForm current={null} onSaved={(participant) => (saved = participant)} />,
    );
    fireEvent.change(screen.getByLabelText('Display name'), { target: { value: '  Mary Jackson ' } });
    fireEvent.click(screen.getByLabelText('colour #2b8a3e'));
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    const first = loadIdentity();
    expect(first).toMatchObject({ name: 'Mary Jackson', color: '#2b8a3e' });
    expect(saved).toEqual(first);
    unmount();

    render(<IdentityForm current={first} onSaved={() => {}} />);
    fireEvent.change(screen.getByLabelText('Display name'), { target: { value: 'Mary J.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(loadIdentity()).toEqual({ ...first, name: 'Mary J.' });
  });

  it('refuses an empty name', () => {
    render(<IdentityForm current={null} onSaved={() => {}} />);
    expect((screen.getByRole('button', { name: 'Continue' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('Home', () => {
  it('creates a named board from a template with a new id, remembers it for initialisation, and navigates to it', () => {
    render(<Home />);
    fireEvent.click(screen.getByRole('button', { name: 'New board' }));
    const create = screen.getByRole('button', { name: 'Create board' }) as HTMLButtonElement;
    // No nameless boards: the name comes first.
    expect(create.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Board name'), { target: { value: 'Sprint 12 retro' } });
    fireEvent.click(screen.getByRole('radio', { name: /^Retrospective/ }));
    fireEvent.click(create);
    const match = /^\/b\/([A-Za-z0-9_-]+)$/.exec(window.location.pathname);
    expect(match).not.toBeNull();
    expect(loadRecentBoards()).toEqual([
      expect.objectContaining({
        id: match?.[1],
        title: 'Sprint 12 retro',
        needsInit: true,
        template: 'retrospective',
      }),
    ]);
  });

  it('lists the boards opened here, most recent first, and opens one by pasted link', () => {
    rememberBoard('older', { title: 'Older board', openedAt: 1 });
    rememberBoard('newer', { title: 'Newer board', openedAt: 2 });
    render(<Home />);
    const links = screen.getAllByRole('link').map((link) => link.textContent);
    expect(links).toEqual(['Newer board', 'Older board']);

    fireEvent.change(screen.getByLabelText('Open a board by link'), { target: { value: 'nonsense here' } });
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    expect(screen.getByRole('alert').textContent).toMatch(/not a board link/);
    fireEvent.change(screen.getByLabelText('Open a board by link'), {
      target: { value: 'https://example.test/b/shared42' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    expect(window.location.pathname).toBe('/b/shared42');
  });
});
