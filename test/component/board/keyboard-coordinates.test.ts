/**
 * Where an arrow key takes a card picked up with the keyboard. The lifted card is drawn larger (scaled), so
 * its rectangle starts a few pixels left of its column's other cards: dnd-kit's own getter then counts those
 * cards as "to the right" and the first ArrowRight could land on a neighbour in the same column.
 */
import type { KeyboardCoordinateGetter } from '@dnd-kit/core';
import { describe, expect, it } from 'vitest';
import { boardKeyboardCoordinates, cardDndId, columnDndId } from '../../../client/board/dnd';

type Args = Parameters<KeyboardCoordinateGetter>[1];

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}
const rect = ({ left, top, width, height }: Box) => ({
  left,
  top,
  width,
  height,
  right: left + width,
  bottom: top + height,
});

function board() {
  const entries: { id: string; containerId: string; index: number; box: Box }[] = [
    {
      id: columnDndId('todo'),
      containerId: 'board',
      index: 0,
      box: { left: 90, top: 40, width: 220, height: 600 },
    },
    {
      id: columnDndId('doing'),
      containerId: 'board',
      index: 1,
      box: { left: 330, top: 40, width: 220, height: 600 },
    },
    {
      id: cardDndId('a'),
      containerId: 'todo',
      index: 0,
      box: { left: 100, top: 100, width: 200, height: 60 },
    },
    {
      id: cardDndId('b'),
      containerId: 'todo',
      index: 1,
      box: { left: 100, top: 170, width: 200, height: 60 },
    },
    {
      id: cardDndId('c'),
      containerId: 'todo',
      index: 2,
      box: { left: 100, top: 240, width: 200, height: 60 },
    },
    {
      id: cardDndId('d'),
      containerId: 'doing',
      index: 0,
      box: { left: 340, top: 400, width: 200, height: 60 },
    },
  ];
  const containers = entries.map(({ id, containerId, index }) => {
    const node = document.createElement('div');
    document.body.append(node);
    return {
      id,
      disabled: false,
      node: { current: node },
      data: { current: { sortable: { containerId, index } } },
    };
  });
  const droppableContainers = {
    getEnabled: () => containers,
    get: (id: string) => containers.find((c) => c.id === id),
  };
  const droppableRects = new Map(entries.map(({ id, box }) => [id, rect(box)]));
  const active = containers[2];
  return { droppableContainers, droppableRects, active };
}

function press(code: string, liftedBox: Box) {
  const { droppableContainers, droppableRects, active } = board();
  const event = new KeyboardEvent('keydown', { code });
  const args = {
    active: active?.id,
    currentCoordinates: { x: liftedBox.left, y: liftedBox.top },
    context: {
      active,
      collisionRect: rect(liftedBox),
      droppableRects,
      droppableContainers,
      over: null,
      scrollableAncestors: [],
    },
  } as unknown as Args;
  return boardKeyboardCoordinates(event, args);
}

// Card "a" lifted: scaled by 1.03 about its centre, so it starts 3 px left of its column's cards.
const LIFTED = { left: 97, top: 99, width: 206, height: 62 };

describe('keyboard drag: where an arrow takes the card', () => {
  it('ArrowRight goes to the next column, never to a neighbour in the same column', () => {
    const to = press('ArrowRight', LIFTED);
    expect(to?.x).toBeGreaterThanOrEqual(330);
  });

  it('ArrowLeft from the first column stays put; ArrowDown goes to the next card of the column', () => {
    expect(press('ArrowLeft', LIFTED)).toBeUndefined();
    const down = press('ArrowDown', LIFTED);
    expect(down?.x).toBeLessThan(330);
    expect(down?.y).toBeGreaterThan(LIFTED.top);
  });
});
