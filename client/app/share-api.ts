/**
 * Share links for a board: the plain link, and, where the server has auth, a link minted by the server
 * (`POST /share/<boardId>`, shared/share-links.ts) with the board's own token as the credential. The signing
 * key never reaches the browser: only the signed token comes back.
 */
import { TOKEN_PARAM } from '../../shared/protocol';
import { SHARE_PATH_PREFIX, type ShareAnswer, type ShareRequest } from '../../shared/share-links';
import { boardPath } from './routing';

/** The link that opens the board in this app, with `token` when given. */
export function boardLink(origin: string, boardId: string, token: string | null = null): string {
  const path = boardPath(boardId);
  return token === null ? `${origin}${path}` : `${origin}${path}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

/** The HTTP base of the sync server, from its websocket URL. */
export function httpBase(serverUrl: string): string {
  return serverUrl.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/+$/, '');
}

export type MintShareLink = (
  boardId: string,
  ownToken: string,
  request: ShareRequest,
) => Promise<ShareAnswer>;

/** Asks the server to sign a link; network failures and non-JSON answers come back as `{ ok: false }`. */
export function httpMintShareLink(serverUrl: string, fetchImpl: typeof fetch = fetch): MintShareLink {
  const base = httpBase(serverUrl);
  return async (boardId, ownToken, request) => {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${SHARE_PATH_PREFIX}${encodeURIComponent(boardId)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ownToken}` },
        body: JSON.stringify(request),
      });
    } catch {
      return { ok: false, reason: 'the server could not be reached; try again when you are online' };
    }
    const body = (await response.json().catch(() => null)) as ShareAnswer | null;
    if (body === null || typeof body !== 'object' || typeof body.ok !== 'boolean') {
      return { ok: false, reason: `the server answered ${response.status}` };
    }
    return body;
  };
}

/** Lifetimes offered in the dialog. */
export const LINK_LIFETIMES: readonly { label: string; seconds: number | null }[] = [
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
  { label: 'No expiry', seconds: null },
];
