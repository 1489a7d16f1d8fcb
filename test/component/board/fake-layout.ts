import { vi } from 'vitest';

/**
 * happy-dom has no layout, so every element measures 0×0 and dnd-kit's keyboard sensor would find nothing to
 * move to. Lay the board out on a grid instead: columns 300px apart, cards 60px apart, each column as tall as
 * its header, cards and composer (as in a browser: a column grows with its cards).
 */
export function fakeLayout() {
  return vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (
    this: HTMLElement,
  ) {
    const rect = (x: number, y: number, width: number, height: number) =>
      ({
        x,
        y,
        left: x,
        top: y,
        width,
        height,
        right: x + width,
        bottom: y + height,
        toJSON: () => ({}),
      }) as DOMRect;
    const columnEl = this.closest('.board-column');
    if (!columnEl) return rect(0, 0, 0, 0);
    const columnIndex = [...document.querySelectorAll('.board-column')].indexOf(columnEl);
    const x = 20 + columnIndex * 300;
    const cardCount = columnEl.querySelectorAll('.board-card').length;
    if (this === columnEl) return rect(x, 0, 280, 60 + cardCount * 60 + 50);
    const cardEl = this.closest('.board-card');
    if (!cardEl) return rect(x, 0, 280, 40);
    const cardIndex = [...columnEl.querySelectorAll('.board-card')].indexOf(cardEl);
    return rect(x + 10, 60 + cardIndex * 60, 260, 50);
  });
}
