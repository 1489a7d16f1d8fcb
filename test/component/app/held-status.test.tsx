/**
 * The status line while someone types online: each keystroke is saving for a few milliseconds, which the
 * line does not show (no render either); saving that lasts, going offline and the count of waiting
 * descriptions going down are shown at once.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SAVING_SHOWN_AFTER_MS } from '../../../client/sync/held-status';
import { useSyncStatus } from '../../../client/sync/hooks';
import type { DocHandle } from '../../../client/sync/types';
import { fakeStatusHandle, syncStatus } from './sync-fakes';

const SAVED = syncStatus();

afterEach(cleanup);
beforeEach(() => {
  vi.useFakeTimers();
  return () => vi.useRealTimers();
});

let renders = 0;
function StatusText({ handle }: { handle: DocHandle }) {
  const status = useSyncStatus(handle);
  renders += 1;
  return (
    <p data-testid="status">{`${status.connection} ${status.saved ? 'saved' : `${status.pending} waiting`}`}</p>
  );
}

const shown = () => screen.getByTestId('status').textContent;

describe('the sync status as the status line shows it', () => {
  it('keystrokes stored within milliseconds online are not shown as saving, and cost no render', () => {
    const fake = fakeStatusHandle(SAVED);
    render(<StatusText handle={fake.handle} />);
    const before = renders;
    for (let key = 0; key < 20; key++) {
      act(() => fake.set({ ...SAVED, saved: false, pending: 1 }));
      act(() => vi.advanceTimersByTime(5));
      act(() => fake.set(SAVED));
      act(() => vi.advanceTimersByTime(95));
    }
    expect(shown()).toBe('online saved');
    expect(renders).toBe(before);
  });

  it('saving that lasts is shown once it has lasted the hold; stored is shown at once', () => {
    const fake = fakeStatusHandle(SAVED);
    render(<StatusText handle={fake.handle} />);
    act(() => fake.set({ ...SAVED, saved: false, pending: 1 }));
    act(() => vi.advanceTimersByTime(SAVING_SHOWN_AFTER_MS - 1));
    expect(shown()).toBe('online saved');
    act(() => vi.advanceTimersByTime(1));
    expect(shown()).toBe('online 1 waiting');
    act(() => fake.set({ ...SAVED, saved: false, pending: 2 }));
    expect(shown()).toBe('online 2 waiting');
    act(() => fake.set(SAVED));
    expect(shown()).toBe('online saved');
  });

  it('going offline with changes is shown at once', () => {
    const fake = fakeStatusHandle(SAVED);
    render(<StatusText handle={fake.handle} />);
    act(() => fake.set({ ...SAVED, connection: 'offline', saved: false, pending: 3 }));
    expect(shown()).toBe('offline 3 waiting');
  });
});
