import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Home } from '../../../client/app/Home';
import { IdentityForm } from '../../../client/app/IdentityForm';
import { loadIdentity } from '../../../client/app/identity';
import { loadRecentBoards, rememberBoard } from '../../../client/app/recent-boards';
import { StatusBar } from '../../../client/app/StatusBar';
import type { SyncStatus } from '../../../client/sync/types';

beforeEach(() => {
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterEach(cleanup);

const status = (overrides: Partial<SyncStatus>): SyncStatus => ({
  connection: 'online',
  pending: 0,
  saved: true,
  localLoaded: true,
  serverSynced: true,
  readOnly: false,
  retryAt: null,
  ...overrides,
});

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
    expect(screen.getByTestId('sync-connection').textContent).toBe('Offline');
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
  it('creates a board with a new id, remembers it for initialisation, and navigates to it', () => {
    render(<Home />);
    fireEvent.click(screen.getByRole('button', { name: 'New board' }));
    const match = /^\/b\/([A-Za-z0-9_-]+)$/.exec(window.location.pathname);
    expect(match).not.toBeNull();
    expect(loadRecentBoards()).toEqual([expect.objectContaining({ id: match?.[1], needsInit: true })]);
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
