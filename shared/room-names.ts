/**
 * Room naming: the room is the URL path of the websocket (y-websocket convention). A board's
 * document lives in `board.<boardId>`; each card description in `board.<boardId>.card.<cardId>`,
 * so a token for a board covers its descriptions by a prefix check.
 */

/** Ids are URL-safe and short: letters, digits, `_` and `-`. */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Any room the server accepts: the same alphabet plus `.`, at most 200 characters. */
const ROOM_PATTERN = /^[A-Za-z0-9_.-]{1,200}$/;

export const MAX_ROOM_NAME_LENGTH = 200;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function isValidRoomName(room: string): boolean {
  return ROOM_PATTERN.test(room) && !room.startsWith('.') && !room.includes('..');
}

export function boardRoom(boardId: string): string {
  assertId(boardId, 'board id');
  return `board.${boardId}`;
}

export function descriptionRoom(boardId: string, cardId: string): string {
  assertId(boardId, 'board id');
  assertId(cardId, 'card id');
  return `board.${boardId}.card.${cardId}`;
}

export type ParsedRoom =
  | { kind: 'board'; boardId: string }
  | { kind: 'description'; boardId: string; cardId: string }
  | { kind: 'other'; room: string };

/** What a room name refers to; the server uses it to check a token's board against a room. */
export function parseRoom(room: string): ParsedRoom {
  const parts = room.split('.');
  if (parts[0] === 'board' && parts[1] !== undefined && isValidId(parts[1])) {
    if (parts.length === 2) return { kind: 'board', boardId: parts[1] };
    if (parts.length === 4 && parts[2] === 'card' && parts[3] !== undefined && isValidId(parts[3])) {
      return { kind: 'description', boardId: parts[1], cardId: parts[3] };
    }
  }
  return { kind: 'other', room };
}

/** The board a room belongs to, or null for rooms outside the board scheme. */
export function boardOfRoom(room: string): string | null {
  const parsed = parseRoom(room);
  return parsed.kind === 'other' ? null : parsed.boardId;
}

function assertId(id: string, what: string): void {
  if (!isValidId(id)) throw new Error(`invalid ${what} ${JSON.stringify(id)}: use 1–64 of A–Z a–z 0–9 _ -`);
}
