/**
 * A long column renders only the cards near its visible part (client/board/card-window.ts). happy-dom lays
 * nothing out, so the window is what fits the initial viewport height at the estimated card height, plus
 * the overscan: far fewer than the column holds. Layout-dependent behaviour (scrolling, keyboard drag in a
 * long column) is covered in Chromium by test/e2e/long-columns.test.ts.
 */
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { WINDOW_FROM_CARDS } from '../../../client/board/card-window';
import { addCard, moveCard, readBoard } from '../../../shared/board';
import { ada, column, destroyAll, newBoard, remotePeer, renderBoard, SLOW_MACHINE_TIMEOUT_MS } from './setup';

afterEach(() => {
  cleanup();
  destroyAll();
});

const LONG = 120;

function boardWithLongColumn() {
  const doc = newBoard();
  doc.transact(() => {
    for (let i = 0; i < LONG; i++)
      addCard(doc, { columnId: 'default-0', title: `Card ${i + 1}`, createdBy: ada.id });
    for (let i = 0; i < 3; i++)
      addCard(doc, { columnId: 'default-1', title: `Short ${i + 1}`, createdBy: ada.id });
  });
  return doc;
}

const rendered = (title: string) => within(column(title)).queryAllByRole('article');

describe('long columns', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  it('a column of more than the window renders only the cards near its top, each saying its place among all', () => {
    renderBoard({ doc: boardWithLongColumn() });
    const cards = rendered('To do');
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.length).toBeLessThan(LONG / 2);
    expect(cards[0]?.getAttribute('aria-label')).toBe('Card 1');
    const first = cards[0]?.closest('li');
    expect(first?.getAttribute('aria-posinset')).toBe('1');
    expect(first?.getAttribute('aria-setsize')).toBe(String(LONG));
    // The count says how many there are, rendered or not.
    expect(within(column('To do')).getByText(String(LONG))).toBeTruthy();
    // A short column is rendered whole, with no position attributes.
    const short = rendered('Doing');
    expect(short.map((c) => c.getAttribute('aria-label'))).toEqual(['Short 1', 'Short 2', 'Short 3']);
    expect(short[0]?.closest('li')?.hasAttribute('aria-setsize')).toBe(false);
  });

  it(`a column of ${WINDOW_FROM_CARDS} cards or fewer is rendered whole`, () => {
    const doc = newBoard();
    for (let i = 0; i < WINDOW_FROM_CARDS; i++) {
      addCard(doc, { columnId: 'default-0', title: `Card ${i + 1}`, createdBy: ada.id });
    }
    renderBoard({ doc });
    expect(rendered('To do')).toHaveLength(WINDOW_FROM_CARDS);
  });

  it('a card moved elsewhere to the top of a long column appears there; one moved out of it leaves', () => {
    const doc = boardWithLongColumn();
    renderBoard({ doc });
    const peer = remotePeer(doc);
    const short = readBoard(doc).columns[1]?.cards[0]?.id as string;
    moveCard(peer.doc, short, { columnId: 'default-0', index: 0 });
    peer.push();
    expect(rendered('To do')[0]?.getAttribute('aria-label')).toBe('Short 1');
    expect(rendered('To do')[0]?.closest('li')?.getAttribute('aria-setsize')).toBe(String(LONG + 1));

    const top = readBoard(doc).columns[0]?.cards[1]?.id as string;
    moveCard(peer.doc, top, { columnId: 'default-1', index: 0 });
    peer.push();
    expect(screen.getByTestId('column-default-1').contains(screen.getByTestId(`card-${top}`))).toBe(true);
    expect(rendered('To do')[1]?.getAttribute('aria-label')).toBe('Card 2');
  });
});
