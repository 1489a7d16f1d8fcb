import { isValidId } from '../../shared/room-names';
import { readJson, writeJson } from './local-store';

const BOARDS_KEY = 'trellis.boards';
const MAX_RECENT_BOARDS = 50;

export interface RecentBoard {
  id: string;
  /** Last title seen, for the home list; the document is the source of truth. */
  title: string;
  openedAt: number;
  /** Created in this browser and not yet initialised (initBoard runs once its local copy loaded). */
  needsInit?: boolean;
  /** The template its columns come from when it is initialised (shared/board/templates.ts). */
  template?: string;
  /** When a change to the board was last seen here (epoch ms), and whose, when known (board-activity.ts). */
  changedAt?: number;
  changedBy?: string | null;
}

function parseBoards(value: unknown): RecentBoard[] | null {
  if (!Array.isArray(value)) return null;
  const boards: RecentBoard[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { id, title, openedAt, needsInit, template, changedAt, changedBy } = entry as Record<
      string,
      unknown
    >;
    if (typeof id !== 'string' || !isValidId(id)) continue;
    boards.push({
      id,
      title: typeof title === 'string' ? title : '',
      openedAt: typeof openedAt === 'number' ? openedAt : 0,
      ...(needsInit === true ? { needsInit: true } : {}),
      ...(typeof template === 'string' ? { template } : {}),
      ...(typeof changedAt === 'number' ? { changedAt } : {}),
      ...(typeof changedBy === 'string' ? { changedBy } : {}),
    });
  }
  return boards;
}

/** Boards opened in this browser, most recent first. */
export function loadRecentBoards(): RecentBoard[] {
  return (readJson(BOARDS_KEY, parseBoards) ?? []).sort((a, b) => b.openedAt - a.openedAt);
}

/** Adds or updates a board; fields not given keep their stored value. */
export function rememberBoard(id: string, fields: Partial<Omit<RecentBoard, 'id'>> = {}): void {
  const boards = loadRecentBoards();
  const existing = boards.find((board) => board.id === id);
  const next: RecentBoard = { id, title: '', openedAt: Date.now(), ...existing, ...fields };
  if (fields.needsInit === false) {
    delete next.needsInit;
    delete next.template;
  }
  const rest = boards.filter((board) => board.id !== id);
  writeJson(BOARDS_KEY, [next, ...rest].slice(0, MAX_RECENT_BOARDS));
}

export function forgetBoard(id: string): void {
  writeJson(
    BOARDS_KEY,
    loadRecentBoards().filter((board) => board.id !== id),
  );
}

export interface BoardLink {
  boardId: string;
  /** The access token a share link carries (`?token=…`), if any. */
  token: string | null;
}

/** Accepts a board id, a `/b/<id>` path or a full (share) link; null if it is none of these. */
export function parseBoardLink(input: string): BoardLink | null {
  const text = input.trim();
  if (isValidId(text)) return { boardId: text, token: null };
  let url: URL;
  try {
    url = new URL(text, 'http://link.invalid');
  } catch {
    return null;
  }
  const match = /^(?:.*\/)?b\/([A-Za-z0-9_-]{1,64})\/?$/.exec(url.pathname);
  if (match?.[1] === undefined) return null;
  return { boardId: match[1], token: url.searchParams.get('token') || null };
}
