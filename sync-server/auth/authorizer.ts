import type { IncomingMessage } from 'node:http';
import { TOKEN_PARAM } from '../../shared/protocol';
import { boardOfRoom } from '../../shared/room-names';
import type { AccessDecision, Authorizer } from '../http/ws-transport';
import type { Revocations } from './revocations';
import { ALL_BOARDS, Role, type TokenClaims, type VerifyKey, verifyToken } from './tokens';

/** Whether a token's boards cover `room`; a description room belongs to its board. */
export function tokenAllowsRoom(claims: TokenClaims, room: string): boolean {
  if (claims.boards.includes(ALL_BOARDS)) return true;
  const board = boardOfRoom(room);
  return board !== null && claims.boards.includes(board);
}

/** The token of a request: the `token` URL parameter (browsers cannot set websocket headers) or a bearer header. */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const fromUrl = url.searchParams.get(TOKEN_PARAM);
  if (fromUrl) return fromUrl;
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || null;
  return null;
}

/**
 * The upgrade check when auth is configured: missing, expired or badly signed → 401; valid but not
 * for this board → 403; revoked for this board (S12.3) → 401; `read` → a read-only connection. The
 * decision carries the token's expiry and generation so the transport closes the socket (4401) when
 * it expires or is revoked.
 */
export function createTokenAuthorizer(
  key: VerifyKey,
  now: () => number = Date.now,
  revocations: Revocations | null = null,
): Authorizer {
  return async (req, room, url): Promise<AccessDecision> => {
    const token = requestToken(req, url);
    if (token === null) return { ok: false, status: 401, reason: 'missing token' };
    const result = await verifyToken(key, token, Math.floor(now() / 1000));
    if (!result.ok) return { ok: false, status: 401, reason: result.reason };
    const { claims } = result;
    if (!tokenAllowsRoom(claims, room)) {
      const who = claims.name ? ` (${claims.name})` : '';
      return { ok: false, status: 403, reason: `token${who} is not valid for this board` };
    }
    if (revocations?.refuses(boardOfRoom(room), claims.generation)) {
      return { ok: false, status: 401, reason: 'token revoked' };
    }
    return {
      ok: true,
      readOnly: claims.role === Role.read,
      ...(claims.exp !== undefined ? { expiresAt: claims.exp * 1000 } : {}),
      generation: claims.generation ?? 0,
    };
  };
}

/** Whether the server only listens on this machine (then running without auth warrants no warning). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
