import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SearchIndexer } from '../../../client/search/indexer';
import type { RoomSource } from '../../../client/search/room-source';
import { SearchDialog } from '../../../client/search/SearchDialog';
import { cardKey } from '../../../client/search/search-index';
import { memorySearchStore } from '../../../client/search/search-store';

afterEach(cleanup);

const noRooms: RoomSource = { list: async () => [], read: async () => Promise.reject(new Error('none')) };

async function filledIndexer() {
  const store = memorySearchStore();
  const card = (boardId: string, cardId: string, title: string, columnTitle: string, boardTitle: string) => ({
    key: cardKey(boardId, cardId),
    boardId,
    cardId,
    boardTitle,
    columnTitle,
    title,
    archived: false,
  });
  await store.write({
    putCards: [
      card('b1', 'c1', 'Fix login', 'To do', 'Launch'),
      card('b2', 'c2', 'Plan offsite', 'Ideas', 'Team'),
    ],
    putDescriptions: [
      { key: cardKey('b2', 'c2'), text: 'Book the venue and the login badges for everyone.' },
    ],
  });
  const indexer = new SearchIndexer(store, noRooms);
  await indexer.whenLoaded();
  return indexer;
}

describe('search dialog', () => {
  it('shows board, column and a snippet for each result, and opens the first with Enter', async () => {
    const indexer = await filledIndexer();
    const onOpen = vi.fn();
    await act(async () => {
      render(<SearchDialog indexer={indexer} catchUp={async () => {}} onOpen={onOpen} onClose={() => {}} />);
    });
    const dialog = screen.getByRole('dialog', { name: 'Search' });
    const input = within(dialog).getByRole('searchbox', {
      name: 'Search every board and description in this browser',
    });
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: 'login' } });
    expect(within(dialog).getByRole('status').textContent).toBe('2 results');
    const results = within(within(dialog).getByRole('list', { name: 'Results' })).getAllByRole('listitem');
    // The title match first, then the card whose description mentions it.
    expect(within(results[0] as HTMLElement).getByRole('link').textContent).toBe('Fix login');
    expect(results[0]?.textContent).toContain('Launch · To do');
    expect(
      within(results[1] as HTMLElement)
        .getByRole('link', { name: 'Plan offsite' })
        .getAttribute('href'),
    ).toBe('/b/b2?card=c2');
    expect(results[1]?.textContent).toContain('Team · Ideas');
    expect(results[1]?.querySelector('mark')?.textContent).toBe('login');

    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(
      expect.objectContaining({ card: expect.objectContaining({ cardId: 'c1' }) }),
    );
  });

  it('moves from the field to the results with the arrow keys and opens one with a click', async () => {
    const indexer = await filledIndexer();
    const onOpen = vi.fn();
    await act(async () => {
      render(<SearchDialog indexer={indexer} catchUp={async () => {}} onOpen={onOpen} onClose={() => {}} />);
    });
    const input = screen.getByRole('searchbox');
    fireEvent.change(input, { target: { value: 'login' } });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByRole('link', { name: 'Fix login' }));
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByRole('link', { name: 'Plan offsite' }));
    fireEvent.click(screen.getByRole('link', { name: 'Plan offsite' }));
    expect(onOpen).toHaveBeenCalledWith(
      expect.objectContaining({ card: expect.objectContaining({ cardId: 'c2' }) }),
    );
  });

  it('says when nothing matches, and brings the index up to date when it opens', async () => {
    const indexer = await filledIndexer();
    const catchUp = vi.fn(async () => {});
    await act(async () => {
      render(<SearchDialog indexer={indexer} catchUp={catchUp} onOpen={() => {}} onClose={() => {}} />);
    });
    expect(catchUp).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('status').textContent).toBe('2 cards searchable, offline too.');
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'zebra' } });
    expect(screen.getByRole('status').textContent).toBe('No results.');
  });
});
