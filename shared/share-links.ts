/**
 * Minting share links from the browser: `POST /share/<boardId>` with the board's own token in an
 * `Authorization: Bearer` header and a `ShareRequest` as JSON. The server signs a token for that one board,
 * at most the caller's role and never outliving the caller's own token (sync-server/auth/share-route.ts);
 * the signing key stays on the server.
 */

export const SHARE_PATH_PREFIX = '/share/';

/** Roles a share link can carry (an admin token is never handed out as a link). */
export type ShareRole = 'read' | 'write';

export interface ShareRequest {
  role: ShareRole;
  /** Lifetime asked for, in seconds; null for no expiry of its own (still bounded by the caller's token). */
  expiresInSeconds: number | null;
  /** Who the link is for; only logged by the server, never trusted for access. */
  name?: string;
}

export type ShareAnswer =
  | {
      ok: true;
      token: string;
      role: ShareRole;
      /** Epoch milliseconds, or null for a link that never expires. */
      expiresAt: number | null;
      /** True when the lifetime asked for was cut to the caller's own token's expiry. */
      shortened: boolean;
    }
  | { ok: false; reason: string };

export const MAX_SHARE_NAME_LENGTH = 80;

/** Roles ordered by what they allow, for "at most the caller's role". */
export function roleRank(role: 'read' | 'write' | 'admin'): number {
  return role === 'read' ? 0 : role === 'write' ? 1 : 2;
}
