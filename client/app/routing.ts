import { useSyncExternalStore } from 'react';
import { TOKEN_PARAM } from '../../shared/protocol';
import { isValidId } from '../../shared/room-names';
import { rememberBoardToken } from '../sync';

export type Route =
  | { kind: 'home' }
  | { kind: 'board'; boardId: string }
  | { kind: 'not-found'; path: string };

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { kind: 'home' };
  const board = /^\/b\/([^/]+)\/?$/.exec(pathname);
  if (board?.[1] !== undefined && isValidId(board[1])) return { kind: 'board', boardId: board[1] };
  return { kind: 'not-found', path: pathname };
}

export function boardPath(boardId: string): string {
  return `/b/${boardId}`;
}

const NAVIGATE_EVENT = 'trellis:navigate';

/** History API navigation; components re-render through `usePathname`. */
export function navigate(path: string): void {
  if (path === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', path);
  captureShareToken();
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/**
 * A share link (`/b/<id>?token=…`) carries the board's access token: keep it for the sync
 * connection and drop it from the address bar, so it is not bookmarked or shown on screen.
 */
export function captureShareToken(): void {
  const route = parseRoute(window.location.pathname);
  const params = new URLSearchParams(window.location.search);
  const token = params.get(TOKEN_PARAM);
  if (route.kind !== 'board' || !token) return;
  rememberBoardToken(route.boardId, token);
  params.delete(TOKEN_PARAM);
  const search = params.toString();
  window.history.replaceState(
    window.history.state,
    '',
    `${window.location.pathname}${search ? `?${search}` : ''}`,
  );
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** The query string (`?…`); re-renders on navigation and on `replaceSearch`. */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search);
}

/**
 * Replaces the query string without a history entry (the filter as it is typed, the open card), so the
 * address bar always holds a link to what is shown.
 */
export function replaceSearch(search: string): void {
  const next = search === '' || search === '?' ? '' : search.startsWith('?') ? search : `?${search}`;
  if (next === window.location.search) return;
  window.history.replaceState(
    window.history.state,
    '',
    `${window.location.pathname}${next}${window.location.hash}`,
  );
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** The query parameter naming the open card of a board (`/b/<id>?card=<cardId>`). */
export const CARD_PARAM = 'card';

/** The link to a card: its board with its panel open. */
export function cardPath(boardId: string, cardId: string): string {
  return `${boardPath(boardId)}?${CARD_PARAM}=${encodeURIComponent(cardId)}`;
}
