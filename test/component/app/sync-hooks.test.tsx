import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Avatars } from '../../../client/app/Avatars';
import { useSyncStatus } from '../../../client/sync/hooks';
import type { DocHandle, SyncStatus } from '../../../client/sync/types';

afterEach(cleanup);

function fakeHandle(initial: SyncStatus) {
  let status = initial;
  const listeners = new Set<(status: SyncStatus) => void>();
  const handle = {
    getStatus: () => status,
    onStatus(listener: (status: SyncStatus) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as DocHandle;
  return {
    handle,
    set(next: SyncStatus) {
      status = next;
      for (const listener of listeners) listener(next);
    },
  };
}

function StatusText({ handle }: { handle: DocHandle }) {
  const status = useSyncStatus(handle);
  return <p data-testid="status">{`${status.connection} ${status.pending}`}</p>;
}

describe('sync hooks', () => {
  it('useSyncStatus re-renders on every status change', () => {
    const base: SyncStatus = {
      connection: 'connecting',
      pending: 0,
      saved: true,
      localLoaded: false,
      serverSynced: false,
    };
    const fake = fakeHandle(base);
    render(<StatusText handle={fake.handle} />);
    expect(screen.getByTestId('status').textContent).toBe('connecting 0');
    act(() => fake.set({ ...base, connection: 'offline', pending: 4, saved: false }));
    expect(screen.getByTestId('status').textContent).toBe('offline 4');
  });

  it('useAwarenessStates (through Avatars) shows peers as they come and go, one avatar per person', () => {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    const me = { id: 'me', name: 'Dorothy Vaughan', color: '#1971c2' };
    awareness.setLocalState({ user: me, openCardId: null, editingCardId: null });
    render(<Avatars awareness={awareness} me={me} />);
    expect(screen.getAllByTestId('avatar').map((a) => a.textContent)).toEqual(['DV']);

    const peer = new Awareness(new Y.Doc());
    act(() => {
      peer.setLocalState({ user: { id: 'p', name: 'Annie Easley', color: '#c2255c' } });
      // Same person in a second tab: still one avatar.
      awareness.states.set(999, { user: { id: 'p', name: 'Annie Easley', color: '#c2255c' } });
      awareness.states.set(peer.clientID, peer.getLocalState() as Record<string, unknown>);
      awareness.emit('change', [{ added: [peer.clientID, 999], updated: [], removed: [] }, 'test']);
    });
    expect(screen.getAllByTestId('avatar').map((a) => a.getAttribute('aria-label'))).toEqual([
      'Dorothy Vaughan (you)',
      'Annie Easley',
    ]);
    act(() => {
      awareness.states.delete(999);
      awareness.states.delete(peer.clientID);
      awareness.emit('change', [{ added: [], updated: [], removed: [peer.clientID, 999] }, 'test']);
    });
    expect(screen.getAllByTestId('avatar')).toHaveLength(1);
    awareness.destroy();
    peer.destroy();
  });
});
