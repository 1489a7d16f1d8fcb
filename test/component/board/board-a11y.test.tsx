import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initials } from '../../../client/board/format';
import { addCard, addColumn } from '../../../shared/board';
import { fakeLayout } from './fake-layout';
import { ada, destroyAll, grace, remotePeer, renderBoard, SLOW_MACHINE_TIMEOUT_MS } from './setup';

afterEach(() => {
  cleanup();
  destroyAll();
  vi.restoreAllMocks();
});

describe('avatars and presence markers', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('uses initials of words: "Alice Lee" is AL, "Bob" is B', () => {
    expect(initials('Alice Lee')).toBe('AL');
    expect(initials('Bob')).toBe('B');
    expect(initials('  ada  king lovelace ')).toBe('AK');
    expect(initials('émile zola')).toBe('ÉZ');
    expect(initials('   ')).toBe('?');
  });

  it('shows who is editing a card by initials beside the pencil, with an accessible name', () => {
    const { doc, awareness } = renderBoard();
    act(() => {
      addCard(doc, { columnId: 'default-0', title: 'Plan', createdBy: ada.id });
    });
    const peer = remotePeer(doc);
    peer.announce(awareness, { user: grace, openCardId: 'x', editingCardId: null });
    const card = screen.getByRole('article', { name: 'Plan' });
    const id = card.getAttribute('data-card-id') ?? '';
    peer.announce(awareness, { user: grace, openCardId: id, editingCardId: id });
    const marker = within(card).getByRole('listitem', { name: 'Grace Hopper is editing the description' });
    // Who, on screen (not only in a tooltip): her initials.
    expect(marker.textContent).toContain('GH');
  });
});

describe('columns with the same name', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('get distinct accessible names from their position', () => {
    const { doc } = renderBoard();
    act(() => {
      addColumn(doc, { title: 'To do' });
    });
    const names = screen.getAllByRole('region').map((region) => region.getAttribute('aria-label'));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['To do (column 1 of 4)', 'Doing', 'Done', 'To do (column 4 of 4)']);
    // Their controls say which one they act on.
    expect(screen.getByRole('button', { name: 'Move column: To do (column 4 of 4)' })).toBeTruthy();
  });
});

describe('keyboard drag', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  const press = async (element: Element | Document, code: string) => {
    await act(async () => {
      fireEvent.keyDown(element, { code, key: code === 'Space' ? ' ' : code });
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  };
  /** dnd-kit's live region (role status, assertive), where announcements are written. */
  const liveRegion = () => {
    const region = document.querySelector('[id^="DndLiveRegion"]');
    if (!region) throw new Error('no drag-and-drop live region');
    return region;
  };

  it('announces pick-up, each move and the drop with title, position and column, and lifts the card', async () => {
    fakeLayout();
    const { doc } = renderBoard();
    act(() => {
      for (const title of ['Write spec', 'Fix login', 'Ship it'])
        addCard(doc, { columnId: 'default-0', title, createdBy: ada.id });
      addCard(doc, { columnId: 'default-1', title: 'Review', createdBy: ada.id });
    });
    const handle = screen.getByRole('button', { name: 'Move card: Fix login' });
    handle.focus();
    await press(handle, 'Space');
    expect(liveRegion().textContent).toBe('Picked up Fix login, position 2 of 3 in To do.');
    expect(screen.getByRole('article', { name: 'Fix login' }).className).toContain('lifted');
    expect(screen.getByRole('region', { name: 'To do' }).className).toContain('drop-target');

    await press(document, 'ArrowDown');
    expect(liveRegion().textContent).toBe('Fix login moved to position 3 of 3 in To do.');
    await press(document, 'ArrowRight');
    expect(liveRegion().textContent).toMatch(/^Fix login moved to position [12] of 2 in Doing\.$/);
    expect(screen.getByRole('region', { name: 'Doing' }).className).toContain('drop-target');
    expect(screen.getByRole('region', { name: 'To do' }).className).not.toContain('drop-target');

    await press(document, 'Space');
    expect(liveRegion().textContent).toMatch(/^Dropped Fix login at position [12] of 2 in Doing\.$/);
    expect(screen.getByRole('article', { name: 'Fix login' }).className).not.toContain('lifted');
  });

  it('announces a cancelled drag as back where it was', async () => {
    fakeLayout();
    const { doc } = renderBoard();
    act(() => {
      for (const title of ['One', 'Two']) addCard(doc, { columnId: 'default-0', title, createdBy: ada.id });
    });
    const handle = screen.getByRole('button', { name: 'Move card: One' });
    handle.focus();
    await press(handle, 'Space');
    await press(document, 'ArrowDown');
    await press(document, 'Escape');
    expect(liveRegion().textContent).toBe('Cancelled. One is back at position 1 of 2 in To do.');
  });

  it('names columns by title and position when one is moved', async () => {
    fakeLayout();
    renderBoard();
    const handle = screen.getByRole('button', { name: 'Move column: Done' });
    handle.focus();
    await press(handle, 'Space');
    expect(liveRegion().textContent).toBe('Picked up column Done, position 3 of 3.');
    await press(document, 'ArrowLeft');
    expect(liveRegion().textContent).toBe('Column Done moved to position 2 of 3.');
    await press(document, 'Space');
    expect(liveRegion().textContent).toBe('Dropped column Done at position 2 of 3.');
  });
});
