import { describe, expect, it } from 'vitest';
import { boardRooms } from '../../../sync-server/admin/http';
import { tokenAllowsRoom } from '../../../sync-server/auth/authorizer';

describe('the rooms of a board (export, dump)', () => {
  const rooms = [
    'board.b1',
    'board.b1.card.c1',
    'board.b1.card.c1.extra',
    'board.b1.card',
    'board.b1x',
    'board.b1.cardx.c2',
    'board.b2.card.c1',
    'other',
  ];

  it('are exactly the rooms a token for that board can open', () => {
    const include = boardRooms('b1');
    const claims = { boards: ['b1'], role: 'read' as const };
    expect(rooms.filter(include)).toEqual(['board.b1', 'board.b1.card.c1']);
    expect(rooms.filter(include)).toEqual(rooms.filter((room) => tokenAllowsRoom(claims, room)));
  });
});
