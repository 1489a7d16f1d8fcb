/**
 * `POST /share/<boardId>`: a holder of a token for a board mints a share link for it.
 *
 * The caller authenticates with its own token in `Authorization: Bearer` (never the query string, which
 * proxy logs keep). The minted token opens that one board only, with at most the caller's role (a read token
 * mints read links; admin and write tokens mint read or write links, never admin ones), and expires no later
 * than the caller's own token: a link cannot outlive the access it was made from. The signing key never
 * leaves the server. Answers (JSON, `ShareAnswer` in shared/share-links.ts):
 *
 *   200 { ok, token, role, expiresAt, shortened }   signed
 *   400 bad board id or body
 *   401 no token, a forged or expired one
 *   403 a token for another board, or a role above the caller's
 *   404 the server runs without auth: the board's plain link opens it
 *   501 the server only verifies (public key): links are signed where the private key is (`trellis-server token`)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { boardRoom, isValidId } from '../../shared/room-names';
import {
  MAX_SHARE_NAME_LENGTH,
  roleRank,
  SHARE_PATH_PREFIX,
  type ShareAnswer,
  type ShareRequest,
} from '../../shared/share-links';
import type { Logger } from '../core/ports';
import { tokenAllowsRoom } from './authorizer';
import type { Revocations } from './revocations';
import { type SignKey, signToken, type VerifyKey, verifyToken } from './tokens';

export interface ShareHandlerOptions {
  /** Null when the server runs open (no auth). */
  verifyKey: VerifyKey | null;
  /** Null when the server can verify but not sign (asymmetric key without its private half). */
  signKey: SignKey | null;
  logger: Logger;
  /** Revoked links (S12.3): one cannot mint a fresh link, which would outlive the revocation. */
  revocations?: Revocations | null;
  /** Epoch milliseconds (tests). */
  now?: () => number;
}

const MAX_BODY_BYTES = 4 * 1024;
/** Longest lifetime a request may ask for (ten years): larger numbers are typos, not intentions. */
const MAX_LIFETIME_SECONDS = 10 * 365 * 86_400;

/** Returns true when it answered the request (any path under /share/). */
export function createShareHandler(options: ShareHandlerOptions) {
  const now = options.now ?? Date.now;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(SHARE_PATH_PREFIX)) return false;
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return answer(res, 405, 'use POST');
    }
    if (options.verifyKey === null) {
      return answer(res, 404, 'this server runs without auth: the board link itself opens the board');
    }
    const boardId = url.pathname.slice(SHARE_PATH_PREFIX.length);
    if (!isValidId(boardId)) return answer(res, 400, 'invalid board id');

    const header = req.headers.authorization;
    const callerToken = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (callerToken === '') return answer(res, 401, 'missing token (Authorization: Bearer …)');
    const nowSeconds = Math.floor(now() / 1000);
    const verified = await verifyToken(options.verifyKey, callerToken, nowSeconds);
    if (!verified.ok) return answer(res, 401, verified.reason);
    const caller = verified.claims;
    if (!tokenAllowsRoom(caller, boardRoom(boardId)))
      return answer(res, 403, 'this token does not open this board');
    if (options.revocations?.refuses(boardId, caller.generation)) return answer(res, 401, 'token revoked');
    if (options.signKey === null) {
      return answer(
        res,
        501,
        'this server only verifies tokens: sign links where the private key is (trellis-server token)',
      );
    }

    let request: ShareRequest;
    try {
      request = parseRequest(await readBody(req));
    } catch (error) {
      return answer(res, 400, (error as Error).message);
    }
    if (roleRank(request.role) > roleRank(caller.role)) {
      return answer(res, 403, `a ${caller.role} token cannot make ${request.role} links`);
    }

    // A link never outlives the token it was made from.
    const callerLeft = caller.exp === undefined ? null : caller.exp - nowSeconds;
    const asked = request.expiresInSeconds;
    const lifetime = callerLeft === null ? asked : asked === null ? callerLeft : Math.min(asked, callerLeft);
    const shortened = lifetime !== asked;
    const token = await signToken(options.signKey, {
      boards: [boardId],
      role: request.role,
      ...(request.name ? { name: request.name } : {}),
      expiresInSeconds: lifetime,
      now: nowSeconds,
    });
    const expiresAt = lifetime === null ? null : (nowSeconds + lifetime) * 1000;
    options.logger.info(
      { board: boardId, role: request.role, by: caller.name ?? null, for: request.name ?? null, expiresAt },
      'share link minted',
    );
    const body: ShareAnswer = { ok: true, token, role: request.role, expiresAt, shortened };
    json(res, 200, body);
    return true;
  };
}

function parseRequest(text: string): ShareRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('body is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new Error('body must be a JSON object');
  const { role, expiresInSeconds, name } = value as Record<string, unknown>;
  if (role !== 'read' && role !== 'write') throw new Error('role must be "read" or "write"');
  if (
    expiresInSeconds !== null &&
    !(
      typeof expiresInSeconds === 'number' &&
      Number.isInteger(expiresInSeconds) &&
      expiresInSeconds > 0 &&
      expiresInSeconds <= MAX_LIFETIME_SECONDS
    )
  ) {
    throw new Error(`expiresInSeconds must be null or a whole number from 1 to ${MAX_LIFETIME_SECONDS}`);
  }
  if (name !== undefined && (typeof name !== 'string' || name.length > MAX_SHARE_NAME_LENGTH)) {
    throw new Error(`name must be text of at most ${MAX_SHARE_NAME_LENGTH} characters`);
  }
  const trimmed = typeof name === 'string' ? name.trim() : '';
  return { role, expiresInSeconds, ...(trimmed ? { name: trimmed } : {}) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the answer still reaches the client.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new Error(`body larger than ${MAX_BODY_BYTES} bytes`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, reason: string): true {
  const body: ShareAnswer = { ok: false, reason };
  json(res, status, body);
  return true;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
