import { describe, expect, it } from 'vitest';
import { boardOfRoom, descriptionRoom, isValidRoomName, parseRoom } from '../../../shared/room-names';

describe('description room names', () => {
  it('a description lives in its own room under its board', () => {
    const room = descriptionRoom('b0ard', 'card_1');
    expect(room).toBe('board.b0ard.card.card_1');
    expect(isValidRoomName(room)).toBe(true);
    expect(parseRoom(room)).toEqual({ kind: 'description', boardId: 'b0ard', cardId: 'card_1' });
    expect(boardOfRoom(room)).toBe('b0ard');
  });

  it('two cards never share a room', () => {
    expect(descriptionRoom('b', 'c1')).not.toBe(descriptionRoom('b', 'c2'));
    expect(descriptionRoom('b1', 'c')).not.toBe(descriptionRoom('b2', 'c'));
  });

  it('rejects ids that could escape the scheme', () => {
    expect(() => descriptionRoom('b', 'a.card.x')).toThrow(/invalid card id/);
    expect(() => descriptionRoom('', 'c')).toThrow(/invalid board id/);
  });
});
