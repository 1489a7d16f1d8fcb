import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import { useAwarenessStates, useSyncStatus } from '../../../client/sync/hooks';
import type { DocHandle } from '../../../client/sync/types';
import { fakeStatusHandle, syncStatus } from './sync-fakes';

afterEach(cleanup);

function StatusText({ handle }: { handle: DocHandle }) {
  const status = useSyncStatus(handle);
  return <p data-testid="status">{`${status.connection} ${status.pending}`}</p>;
}

describe('sync hooks', () => {
  it('useSyncStatus re-renders on every status change', () => {
    const base = syncStatus({ connection: 'connecting', localLoaded: false, serverSynced: false });
    const fake = fakeStatusHandle(base);
    render(<StatusText handle={fake.handle} />);
    expect(screen.getByTestId('status').textContent).toBe('connecting 0');
    act(() => fake.set({ ...base, connection: 'offline', pending: 4, saved: false }));
    expect(screen.getByTestId('status').textContent).toBe('offline 4');
  });

  it('useAwarenessStates re-reads the states as peers come and go', () => {
    const awareness = new Awareness(new Y.Doc());
    awareness.setLocalState({ name: 'me' });
    render(<StateNames awareness={awareness} />);
    expect(screen.getByTestId('names').textContent).toBe('me');

    const peer = new Awareness(new Y.Doc());
    peer.setLocalState({ name: 'peer' });
    act(() => applyAwarenessUpdate(awareness, encodeAwarenessUpdate(peer, [peer.clientID]), 'remote'));
    expect(screen.getByTestId('names').textContent).toBe('me,peer');

    act(() => removeAwarenessStates(awareness, [peer.clientID], 'remote'));
    expect(screen.getByTestId('names').textContent).toBe('me');
    awareness.destroy();
    peer.destroy();
  });
});

function StateNames({ awareness }: { awareness: Awareness }) {
  const states = useAwarenessStates(awareness);
  return <p data-testid="names">{[...states.values()].map((state) => String(state.name)).join(',')}</p>;
}
