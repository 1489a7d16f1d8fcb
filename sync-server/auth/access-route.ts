/**
 * `GET /access/<room>?token=…`: the answer the websocket upgrade would give, as JSON.
 *
 * Browsers do not expose the HTTP status of a refused websocket upgrade: the provider only sees a
 * close (1006) and would retry forever. A client whose socket closes before it ever opened asks
 * here; 401/403 mean "access denied, stop retrying".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidRoomName } from '../../shared/room-names';
import type { Authorizer } from '../http/ws-transport';

export const ACCESS_PATH_PREFIX = '/access/';

export function createAccessHandler(authorize: Authorizer) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(ACCESS_PATH_PREFIX) || req.method !== 'GET') return false;
    let room: string;
    try {
      room = decodeURIComponent(url.pathname.slice(ACCESS_PATH_PREFIX.length));
    } catch {
      room = '';
    }
    if (!isValidRoomName(room)) {
      json(res, 400, { ok: false, reason: 'invalid room name' });
      return true;
    }
    const decision = await authorize(req, room, url);
    if (!decision.ok) {
      json(res, decision.status, { ok: false, reason: decision.reason });
      return true;
    }
    json(res, 200, {
      ok: true,
      role: decision.readOnly ? 'read' : 'write',
      expiresAt: decision.expiresAt ?? null,
    });
    return true;
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
