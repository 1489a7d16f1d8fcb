/**
 * What re-renders on a big board. Every card's content calls `cardExtras` once per render, so a counting
 * `cardExtras` tells which cards rendered; a spy on @dnd-kit's `useSortable` tells for which cards (and
 * columns) the drag-and-drop hooks ran. A change must cost only the cards it changed, and the drag-and-drop
 * hooks must not run for cards in columns the change did not touch.
 */
import { cleanup, fireEvent, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BoardView } from '../../../client/board';
import { addCard, type CardSnapshot, moveCard, readBoard, updateCard } from '../../../shared/board';
import { writeDescriptionSummary } from '../../../shared/description-summary';
import { ada, destroyAll, grace, newBoard, remotePeer, renderBoard, SLOW_MACHINE_TIMEOUT_MS } from './setup';

const sortableRuns = vi.hoisted(() => new Map<string, number>());

vi.mock('@dnd-kit/sortable', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@dnd-kit/sortable')>();
  return {
    ...actual,
    useSortable: (args: Parameters<typeof actual.useSortable>[0]) => {
      const id = String(args.id);
      sortableRuns.set(id, (sortableRuns.get(id) ?? 0) + 1);
      return actual.useSortable(args);
    },
  };
});

const cardRenders = new Map<string, number>();
/** Stable, as the app's is: called once per render of a card's content. */
const countingExtras = (card: CardSnapshot): ReactNode => {
  cardRenders.set(card.id, (cardRenders.get(card.id) ?? 0) + 1);
  return null;
};

const CARDS_PER_COLUMN = 20;

/** The default three columns with 20 cards each, rendered with the counting extras; counters reset. */
function renderBigBoard() {
  const doc = newBoard();
  const columns = readBoard(doc).columns.map((c) => c.id);
  for (const columnId of columns) {
    for (let i = 0; i < CARDS_PER_COLUMN; i++) {
      addCard(doc, { columnId, title: `${columnId} card ${i}`, createdBy: ada.id });
    }
  }
  const rendered = renderBoard({ doc, cardExtras: countingExtras });
  const board = readBoard(doc);
  const cardsOf = (index: number) => board.columns[index]?.cards.map((c) => c.id) ?? [];
  resetCounters();
  return { ...rendered, columns, cardsOf };
}

function resetCounters() {
  cardRenders.clear();
  sortableRuns.clear();
}

/** Which cards rendered since the last reset. */
const renderedCards = () => [...cardRenders.keys()].sort();
const cardsRenderedMessage = () => `${cardRenders.size} cards rendered`;
/** useSortable runs since the last reset for these card ids and column ids. */
const hookRuns = (cardIds: readonly string[], columnIds: readonly string[] = []) =>
  [...cardIds.map((id) => `card:${id}`), ...columnIds.map((id) => `column:${id}`)].reduce(
    (sum, key) => sum + (sortableRuns.get(key) ?? 0),
    0,
  );

beforeEach(resetCounters);
afterEach(() => {
  cleanup();
  destroyAll();
});

describe('what a change re-renders', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('a move made elsewhere re-renders only the moved card; no drag-and-drop hook runs in the untouched column', () => {
    const { doc, columns, cardsOf } = renderBigBoard();
    const peer = remotePeer(doc);
    const moved = cardsOf(0)[3] as string;
    moveCard(peer.doc, moved, { columnId: columns[1] as string, index: 5 });
    peer.push();

    expect(screen.getByTestId(`column-${columns[1]}`).contains(screen.getByTestId(`card-${moved}`))).toBe(
      true,
    );
    expect(renderedCards(), cardsRenderedMessage()).toEqual([moved]);
    expect(hookRuns(cardsOf(2), [columns[2] as string]), JSON.stringify([...sortableRuns])).toBe(0);
  });

  it('an edit made elsewhere re-renders only that card, and no drag-and-drop hook of another card', () => {
    const { doc, cardsOf } = renderBigBoard();
    const peer = remotePeer(doc);
    const edited = cardsOf(1)[7] as string;
    updateCard(peer.doc, edited, { title: 'Renamed elsewhere', due: '2026-12-24' });
    peer.push();

    expect(screen.getByTestId(`card-${edited}`).getAttribute('aria-label')).toBe('Renamed elsewhere');
    expect(renderedCards(), cardsRenderedMessage()).toEqual([edited]);
    const others = [...cardsOf(0), ...cardsOf(1), ...cardsOf(2)].filter((id) => id !== edited);
    expect(hookRuns(others)).toBe(0);
  });

  it('a description preview written elsewhere re-renders only its card', () => {
    const { doc, cardsOf } = renderBigBoard();
    const peer = remotePeer(doc);
    const described = cardsOf(2)[0] as string;
    writeDescriptionSummary(peer.doc, described, {
      preview: 'Steps to reproduce',
      checklist: { done: 1, total: 3 },
    });
    peer.push();

    expect(renderedCards(), cardsRenderedMessage()).toEqual([described]);
  });

  it('opening a card re-renders that card only (and the panel), no drag-and-drop hook of another card', () => {
    const { cardsOf } = renderBigBoard();
    const opened = cardsOf(1)[2] as string;
    fireEvent.click(screen.getByTestId(`card-${opened}`).querySelector('.card-open') as HTMLElement);

    expect(screen.getByTestId('card-panel')).toBeTruthy();
    expect(screen.getByTestId(`card-${opened}`).classList.contains('open')).toBe(true);
    // The opened card's tile is marked open; its content need not render again.
    expect(
      renderedCards().filter((id) => id !== opened),
      cardsRenderedMessage(),
    ).toEqual([]);
    const others = [...cardsOf(0), ...cardsOf(1), ...cardsOf(2)].filter((id) => id !== opened);
    expect(hookRuns(others)).toBe(0);
  });

  it('someone else opening a card re-renders only that card', () => {
    const { doc, awareness, cardsOf } = renderBigBoard();
    const peer = remotePeer(doc);
    const viewed = cardsOf(0)[9] as string;
    peer.announce(awareness, { user: grace, openCardId: viewed, editingCardId: null });

    expect(screen.getByTestId(`card-${viewed}`).querySelector('[data-testid="card-viewer"]')).toBeTruthy();
    expect(renderedCards(), cardsRenderedMessage()).toEqual([viewed]);
    expect(hookRuns(cardsOf(1).concat(cardsOf(2)))).toBe(0);
  });

  it('a re-render of the page around the board (a status change) re-renders no card', () => {
    const { doc, awareness, rerender } = renderBigBoard();
    rerender(<BoardView doc={doc} awareness={awareness} me={ada} cardExtras={countingExtras} />);

    expect(renderedCards(), cardsRenderedMessage()).toEqual([]);
    expect(sortableRuns.size).toBe(0);
  });
});
