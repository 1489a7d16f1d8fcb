import { cleanup, fireEvent, screen } from '@testing-library/react';
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dropTarget, type Layout, moveInLayout, parseDndId } from '../../../client/board/dnd';
import { addCard, readBoard } from '../../../shared/board';
import { fakeLayout } from './fake-layout';
import { ada, destroyAll, renderBoard, SLOW_MACHINE_TIMEOUT_MS } from './setup';

const layout = (entries: Record<string, string[]>): Layout => new Map(Object.entries(entries));
const plain = (l: Layout) => Object.fromEntries(l);

describe('drag layout', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  const start = layout({ a: ['1', '2', '3'], b: ['4'], c: [] });

  it('reorders within a column like arrayMove', () => {
    expect(plain(moveInLayout(start, '1', { type: 'card', id: '3' }))).toMatchObject({ a: ['2', '3', '1'] });
    expect(plain(moveInLayout(start, '3', { type: 'card', id: '1' }))).toMatchObject({ a: ['3', '1', '2'] });
    expect(moveInLayout(start, '2', { type: 'card', id: '2' })).toBe(start);
    expect(moveInLayout(start, '2', { type: 'column', id: 'a' })).toBe(start);
  });

  it('moves across columns before or after the card it is over, or to the end of a column', () => {
    expect(plain(moveInLayout(start, '2', { type: 'card', id: '4' }))).toEqual({
      a: ['1', '3'],
      b: ['2', '4'],
      c: [],
    });
    expect(plain(moveInLayout(start, '2', { type: 'card', id: '4' }, true))).toEqual({
      a: ['1', '3'],
      b: ['4', '2'],
      c: [],
    });
    expect(plain(moveInLayout(start, '2', { type: 'column', id: 'c' }))).toEqual({
      a: ['1', '3'],
      b: ['4'],
      c: ['2'],
    });
    expect(moveInLayout(start, '2', { type: 'column', id: 'gone' })).toBe(start);
  });

  it('turns a layout into moveCard arguments', () => {
    const moved = moveInLayout(start, '1', { type: 'card', id: '4' }, true);
    expect(dropTarget(moved, '1')).toEqual({ columnId: 'b', index: 1 });
    expect(dropTarget(start, 'nope')).toBeNull();
  });

  it('parses dnd ids', () => {
    expect(parseDndId('card:x')).toEqual({ type: 'card', id: 'x' });
    expect(parseDndId('column:y')).toEqual({ type: 'column', id: 'y' });
    expect(parseDndId('other')).toBeNull();
    expect(parseDndId(3)).toBeNull();
  });
});

describe('keyboard drag and drop', { timeout: SLOW_MACHINE_TIMEOUT_MS }, () => {
  beforeEach(() => {
    fakeLayout();
  });
  afterEach(() => {
    cleanup();
    destroyAll();
    vi.restoreAllMocks();
  });

  const press = async (element: Element | Document, code: string) => {
    await act(async () => {
      fireEvent.keyDown(element, { code, key: code === 'Space' ? ' ' : code });
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  };

  it('moves a card down within its column and into the next column with the keyboard', async () => {
    const { doc } = renderBoard();
    act(() => {
      for (const title of ['One', 'Two', 'Three'])
        addCard(doc, { columnId: 'default-0', title, createdBy: ada.id });
      addCard(doc, { columnId: 'default-1', title: 'Four', createdBy: ada.id });
    });
    const titles = () => readBoard(doc).columns.map((c) => c.cards.map((card) => card.title));

    const handle = screen.getByRole('button', { name: 'Move card: One' });
    handle.focus();
    await press(handle, 'Space');
    await press(document, 'ArrowDown');
    await press(document, 'Space');
    expect(titles()).toEqual([['Two', 'One', 'Three'], ['Four'], []]);

    const again = screen.getByRole('button', { name: 'Move card: One' });
    again.focus();
    await press(again, 'Space');
    await press(document, 'ArrowRight');
    await press(document, 'Space');
    expect(titles()[0]).toEqual(['Two', 'Three']);
    expect(titles()[1]).toContain('One');
  });

  it('moves a card into the column on its left with the keyboard', async () => {
    const { doc } = renderBoard();
    act(() => {
      for (const title of ['Two', 'Three']) addCard(doc, { columnId: 'default-1', title, createdBy: ada.id });
    });
    const titles = () => readBoard(doc).columns.map((c) => c.cards.map((card) => card.title));

    const handle = screen.getByRole('button', { name: 'Move card: Three' });
    handle.focus();
    await press(handle, 'Space');
    await press(document, 'ArrowLeft');
    await press(document, 'Space');
    expect(titles()).toEqual([['Three'], ['Two'], []]);

    // Into a column that has cards, from the bottom of a column.
    act(() => {
      addCard(doc, { columnId: 'default-2', title: 'Four', createdBy: ada.id });
      addCard(doc, { columnId: 'default-2', title: 'Five', createdBy: ada.id });
    });
    const five = screen.getByRole('button', { name: 'Move card: Five' });
    five.focus();
    await press(five, 'Space');
    await press(document, 'ArrowLeft');
    await press(document, 'Space');
    expect(titles()[2]).toEqual(['Four']);
    expect(titles()[1]).toContain('Five');
  });

  /** Drags with the pointer from the middle of `element` by `dx` pixels (through the activation distance). */
  const pointerDrag = async (element: Element, dx: number) => {
    const rect = element.getBoundingClientRect();
    const x = rect.left + rect.width / 2;
    const y = rect.top + rect.height / 2;
    const at = (clientX: number) => ({ clientX, clientY: y, isPrimary: true, button: 0, pointerId: 1 });
    await act(async () => {
      fireEvent.pointerDown(element, at(x));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    for (const step of [10, dx / 2, dx]) {
      await act(async () => {
        fireEvent.pointerMove(document, at(x + step));
        await new Promise((resolve) => setTimeout(resolve, 0));
      });
    }
    await act(async () => {
      fireEvent.pointerUp(document, at(x + dx));
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  };

  it('drags a card with the pointer, except on a read-only board', async () => {
    for (const readOnly of [false, true]) {
      const { doc, unmount } = renderBoard({ readOnly });
      act(() => {
        addCard(doc, { columnId: 'default-0', title: 'One', createdBy: ada.id });
      });
      const titles = () => readBoard(doc).columns.map((c) => c.cards.map((card) => card.title));
      await pointerDrag(screen.getByRole('article', { name: 'One' }), 300);
      expect(titles()).toEqual(readOnly ? [['One'], [], []] : [[], ['One'], []]);
      unmount();
    }
  });

  it('moves a column with the keyboard, and Escape cancels a drag', async () => {
    const { doc } = renderBoard();
    const order = () => readBoard(doc).columns.map((c) => c.title);
    const handle = screen.getByRole('button', { name: 'Move column: Done' });
    handle.focus();
    await press(handle, 'Space');
    await press(document, 'ArrowLeft');
    await press(document, 'Escape');
    expect(order()).toEqual(['To do', 'Doing', 'Done']);
    handle.focus();
    await press(handle, 'Space');
    await press(document, 'ArrowLeft');
    await press(document, 'Space');
    expect(order()).toEqual(['To do', 'Done', 'Doing']);
  });
});
