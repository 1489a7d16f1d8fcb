/**
 * The admin endpoints of the per-board operations (S12), behind the admin credential check of
 * http.ts:
 *
 *   POST /admin/rollback?board=   body in backup format (the board's rooms): the board and its
 *                                 descriptions brought back to it as a new change; answers
 *                                 { rooms: [{room, changed}], before: "<backup of the board just before>" }
 *   POST /admin/delete?board=     the board and its descriptions deleted; { deleted: [rooms] }
 *   POST /admin/revoke?board=     links to the board minted until now refused; { revokedAt, closed, auth }
 *
 * 400 for a board id or file that fails its check, 404 for a board with nothing stored.
 */
import { isValidId } from '../../shared/room-names';
import type { Logger } from '../core/ports';
import { type BoardOps, NoSuchBoardError } from './board-ops';
import { backupEndLine, backupHeaderLine, backupRoomLine, parseBackup } from './formats';
import { type AdminRoutes, json, readBody } from './http';
import type { RoomDump } from './ops';

export interface BoardOpsRoutesOptions {
  ops: BoardOps;
  /** Whether connections need a token at all: without, revoking keeps nobody out. */
  authConfigured: boolean;
  logger: Logger;
}

export function boardOpsRoutes({ ops, authConfigured, logger }: BoardOpsRoutesOptions): AdminRoutes {
  return async (route, url, req, res, maxBodyBytes) => {
    if (!ROUTES.has(route)) return false;
    const board = url.searchParams.get('board');
    if (board === null || !isValidId(board)) {
      json(res, 400, { error: 'give a valid board=<id>' });
      return true;
    }
    try {
      switch (route) {
        case 'POST /admin/rollback': {
          const rooms = parseBackup(await readBody(req, maxBodyBytes));
          const result = await ops.rollback(board, rooms);
          const changed = result.rooms.filter((room) => room.changed).length;
          logger.info({ board, rooms: result.rooms.length, changed }, 'admin: board rolled back');
          json(res, 200, { rooms: result.rooms, before: backupText(result.before) });
          return true;
        }
        case 'POST /admin/delete': {
          const deleted = await ops.deleteBoard(board);
          logger.info({ board, rooms: deleted.length }, 'admin: board deleted');
          json(res, 200, { deleted });
          return true;
        }
        default: {
          const { revokedAt, closed } = await ops.revoke(board);
          logger.info({ board, revokedAt, closed }, 'admin: links to the board revoked');
          json(res, 200, { revokedAt, closed, auth: authConfigured });
          return true;
        }
      }
    } catch (error) {
      if (!(error instanceof NoSuchBoardError)) throw error;
      json(res, 404, { error: error.message });
      return true;
    }
  };
}

/** Rooms as a whole backup file (what `rollback` takes back). */
export function backupText(dumps: readonly RoomDump[]): string {
  return [
    backupHeaderLine(new Date()),
    ...dumps.map((dump) => backupRoomLine(dump)),
    backupEndLine(dumps.length),
  ].join('');
}

const ROUTES = new Set(['POST /admin/rollback', 'POST /admin/delete', 'POST /admin/revoke']);
