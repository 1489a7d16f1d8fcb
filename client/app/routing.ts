import { useSyncExternalStore } from 'react';
import { isValidId } from '../../shared/room-names';

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

/** History API navigation; components re-render through `useRoute`. */
export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
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
