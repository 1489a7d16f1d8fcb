/**
 * The status line while someone types online: each keystroke is saving for a few milliseconds. The line says
 * "Saving…" at the first keystroke and stays there while they type (no render per keystroke), and "Saved"
 * once everything has been stored for a moment; it never says "Saved" for a change not stored yet.
 */
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SAVED_SHOWN_AFTER_MS } from '../../../client/sync/held-status';
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
  it('keystrokes stored within milliseconds online: "Saving…" from the first, one render, "Saved" after the pause', () => {
    const fake = fakeStatusHandle(SAVED);
    render(<StatusText handle={fake.handle} />);
    let afterFirstKey = 0;
    for (let key = 0; key < 20; key++) {
      act(() => fake.set({ ...SAVED, saved: false, pending: 1 }));
      expect(shown()).toBe('online 1 waiting');
      act(() => vi.advanceTimersByTime(5));
      act(() => fake.set(SAVED));
      act(() => vi.advanceTimersByTime(95));
      if (key === 0) afterFirstKey = renders;
    }
    // The first keystroke shows "Saving…"; the 19 after it render nothing.
    expect(renders).toBe(afterFirstKey);
    act(() => vi.advanceTimersByTime(SAVED_SHOWN_AFTER_MS - 95 - 1));
    expect(shown()).toBe('online 1 waiting');
    act(() => vi.advanceTimersByTime(1));
    expect(shown()).toBe('online saved');
  });

  it('a change not stored yet is shown at once, whatever was shown before; more waiting too', () => {
    const fake = fakeStatusHandle(SAVED);
    render(<StatusText handle={fake.handle} />);
    act(() => fake.set({ ...SAVED, saved: false, pending: 1 }));
    expect(shown()).toBe('online 1 waiting');
    act(() => fake.set({ ...SAVED, saved: false, pending: 2 }));
    expect(shown()).toBe('online 2 waiting');
    act(() => fake.set(SAVED));
    expect(shown()).toBe('online 2 waiting');
    act(() => vi.advanceTimersByTime(SAVED_SHOWN_AFTER_MS));
    expect(shown()).toBe('online saved');
  });

  it('going offline with changes is shown at once', () => {
    const fake = fakeStatusHandle(SAVED);
    render(<StatusText handle={fake.handle} />);
    act(() => fake.set({ ...SAVED, connection: 'offline', saved: false, pending: 3 }));
    expect(shown()).toBe('offline 3 waiting');
  });
});
