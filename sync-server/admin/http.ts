/**
 * The running server's admin endpoints, used by the CLI while the server holds the data directory
 * (LevelDB allows one process). Every request needs, in its `Authorization: Bearer` header (never the
 * query string, which proxy logs keep), either the admin credential the server wrote into its data
 * directory (local-files.ts) or, with auth configured, an `admin` token. Without auth they also
 * answer direct loopback clients only.
 *
 *   GET  /admin/rooms               rooms with size, update count, last change (JSON)
 *   POST /admin/backup              every room (backup format, streamed)
 *   GET  /admin/dump?board=|room=   one board with its descriptions, or one room (backup format)
 *   POST /admin/import?board=       body in backup format: the board's rooms, all checked, then each
 *                                   room's state merged into it (all or nothing)
 *   POST /admin/compact[?room=]     merge update logs into one entry (404 for a room not stored)
 *   GET  /admin/verify              every stored room decoded: ok, pending structs or undecodable (JSON)
 *   POST /admin/rollback?board=, /admin/delete?board=, /admin/revoke?board=   see board-ops-http.ts
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { boardOfRoom, isValidId, isValidRoomName } from '../../shared/room-names';
import { Role, type VerifyKey, verifyToken } from '../auth/tokens';
import type { Logger } from '../core/ports';
import { CheckError } from './check';
import { backupEndLine, backupHeaderLine, backupRoomLine, FormatError, parseBackup } from './formats';
import { credentialMatches } from './local-files';
import { type AdminOps, NoSuchRoomError } from './ops';

export interface AdminHandlerOptions {
  ops: AdminOps;
  /** Null when the server runs open: then only loopback clients are answered. */
  verifyKey: VerifyKey | null;
  /** The secret in the data directory that the CLI on this machine presents. */
  adminCredential: string;
  logger: Logger;
  /** Largest accepted import body. */
  maxBodyBytes?: number;
  /** More endpoints (per-board operations); true when one answered. */
  more?: AdminRoutes;
}

/** Endpoints beside these, answered after the same credential check and with the same error handling. */
export type AdminRoutes = (
  route: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
) => Promise<boolean>;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Rooms of a board: the board document and its card descriptions. */
export function boardRooms(boardId: string): (room: string) => boolean {
  // The rooms a token for this board can open, and no others (`board.x.card.y.z` is not one).
  return (room) => boardOfRoom(room) === boardId;
}

/** Returns true when it answered the request (any path under /admin/). */
export function createAdminHandler(options: AdminHandlerOptions) {
  const { ops, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 512 * 1024 * 1024;

  async function allowed(req: IncomingMessage): Promise<string | null> {
    if (options.verifyKey === null) {
      // A reverse proxy on this machine also connects from loopback: refuse what it forwards.
      const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
      if (!LOOPBACK.has(req.socket.remoteAddress ?? '') || proxied) {
        return 'without an auth secret, admin endpoints answer direct loopback clients only';
      }
    }
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (token === '') return 'missing admin credential (Authorization: Bearer …)';
    if (credentialMatches(options.adminCredential, token)) return null;
    if (options.verifyKey === null) return 'wrong admin credential';
    const result = await verifyToken(options.verifyKey, token);
    if (!result.ok) return result.reason;
    return result.claims.role === Role.admin ? null : 'not an admin token';
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/admin/')) return false;
    const refusal = await allowed(req);
    if (refusal !== null) {
      logger.warn(
        { path: url.pathname, addr: req.socket.remoteAddress },
        `admin request refused: ${refusal}`,
      );
      json(res, refusal.startsWith('without an auth secret') ? 403 : 401, { error: refusal });
      return true;
    }
    const route = `${req.method} ${url.pathname}`;
    try {
      switch (route) {
        case 'GET /admin/rooms':
          json(res, 200, { rooms: await ops.list() });
          return true;
        case 'POST /admin/backup':
          logger.info({}, 'admin: backup started');
          await streamDump(
            res,
            ops.dump(() => true),
          );
          logger.info({}, 'admin: backup finished');
          return true;
        case 'GET /admin/dump': {
          const board = url.searchParams.get('board');
          const room = url.searchParams.get('room');
          if (board !== null && isValidId(board)) {
            const include = boardRooms(board);
            await streamDump(res, ops.dump(include));
          } else if (room !== null && isValidRoomName(room)) {
            await streamDump(
              res,
              ops.dump((name) => name === room),
            );
          } else json(res, 400, { error: 'give a valid board=<id> or room=<name>' });
          return true;
        }
        case 'POST /admin/import': {
          const board = url.searchParams.get('board');
          if (board === null || !isValidId(board)) {
            json(res, 400, { error: 'give the board the rooms belong to: board=<id>' });
            return true;
          }
          const imported = await ops.importRooms(board, parseBackup(await readBody(req, maxBodyBytes)));
          logger.info({ board, rooms: imported.length }, 'admin: imported');
          json(res, 200, { imported });
          return true;
        }
        case 'GET /admin/verify':
          json(res, 200, { rooms: await ops.verify() });
          return true;
        case 'POST /admin/compact': {
          const room = url.searchParams.get('room') ?? undefined;
          if (room !== undefined && !isValidRoomName(room)) {
            json(res, 400, { error: 'invalid room name' });
            return true;
          }
          json(res, 200, { compacted: await ops.compact(room) });
          return true;
        }
        default:
          if (await options.more?.(route, url, req, res, maxBodyBytes)) return true;
          json(res, 404, { error: `no admin endpoint ${route}` });
          return true;
      }
    } catch (error) {
      const badRequest =
        error instanceof FormatError || error instanceof BodyTooLargeError || error instanceof CheckError;
      const status = error instanceof NoSuchRoomError ? 404 : badRequest ? 400 : 500;
      logger.error({ err: error, path: url.pathname }, 'admin request failed');
      if (!res.headersSent) json(res, status, { error: (error as Error).message });
      // A stream cut short says why in a line of its own and has no end line, so the CLI notices.
      else res.end(`${JSON.stringify({ error: (error as Error).message })}\n`);
      return true;
    }
  };
}

async function streamDump(res: ServerResponse, dumps: AsyncIterable<Parameters<typeof backupRoomLine>[0]>) {
  let started = false;
  let rooms = 0;
  for await (const dump of dumps) {
    if (!started) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      res.write(backupHeaderLine(new Date()));
      started = true;
    }
    rooms++;
    if (!res.write(backupRoomLine(dump))) await new Promise((resolve) => res.once('drain', resolve));
  }
  if (!started) {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.write(backupHeaderLine(new Date()));
  }
  res.end(backupEndLine(rooms));
}

class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) throw new BodyTooLargeError(`body above ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
