import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../../client/App';
import { StatusBar } from '../../../client/app/StatusBar';
import { syncStatus as status } from './sync-fakes';

beforeEach(() => {
  window.localStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterEach(cleanup);

/** The tone a badge is drawn in: ok (green), warn (amber), bad (red). */
const toneOf = (testId: string) =>
  screen.getByTestId(testId).closest('[data-tone]')?.getAttribute('data-tone');

describe('status bar', () => {
  it('is a labelled group whose connection and save badges carry a tone, an icon and words', () => {
    const { rerender } = render(<StatusBar status={status({})} />);
    const bar = screen.getByRole('group', { name: 'Connection and saving' });
    expect(within(bar).getByRole('status').textContent).toBe('Online');
    expect(toneOf('sync-connection')).toBe('ok');
    expect(toneOf('sync-saved')).toBe('ok');
    // Each badge has an icon beside its words, so the state does not rest on colour alone.
    expect(screen.getByTestId('sync-connection').closest('[data-tone]')?.querySelector('svg')).not.toBeNull();

    rerender(<StatusBar status={status({ connection: 'offline', saved: false, pending: 2 })} />);
    expect(toneOf('sync-connection')).toBe('bad');
    expect(toneOf('sync-saved')).toBe('warn');
    // A problem colours the whole bar, not just a dot.
    expect(bar.getAttribute('data-tone')).toBe('bad');

    rerender(<StatusBar status={status({ connection: 'unreachable', retryAt: null })} />);
    expect(toneOf('sync-connection')).toBe('bad');
    rerender(<StatusBar status={status({ connection: 'connecting', saved: false })} />);
    expect(toneOf('sync-connection')).toBe('warn');
    expect(bar.getAttribute('data-tone')).toBe('warn');
    rerender(<StatusBar status={status({})} cardsWaiting={1} />);
    expect(toneOf('sync-saved')).toBe('warn');
  });
});

describe('header identity', () => {
  it('shows who you are as initials in your colour, with no status-like dot', () => {
    window.localStorage.setItem(
      'trellis.identity',
      JSON.stringify({ id: 'alice', name: 'Alice Lee', color: '#2b8a3e' }),
    );
    render(<App />);
    const me = screen.getByRole('button', { name: 'Alice Lee (you): change name or colour' });
    expect(me.textContent).toContain('Alice Lee');
    expect(within(me).getByText('AL')).toBeTruthy();
    // Nothing round and coloured without letters: that reads as a connection light.
    const coloured = [...me.querySelectorAll<HTMLElement>('[style]')];
    expect(coloured.every((element) => (element.textContent ?? '').trim() !== '')).toBe(true);
  });
});
