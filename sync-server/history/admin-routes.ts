/**
 * The history behind the admin credential check (admin/http.ts), for the CLI while a server holds
 * the store:
 *
 *   GET  /admin/history?room=<room>              the room's kept versions, newest first (JSON)
 *   GET  /admin/history?board=<id>&at=<time>     the board and its descriptions, each at its newest
 *                                                version at or before <time>, in backup format
 *   POST /admin/clock?offset=<ms>                testing aid, only while TRELLIS_CLOCK_OFFSET_MS is
 *                                                set: moves the server's clock (test-clock.ts)
 */
import { isValidId, isValidRoomName } from '../../shared/room-names';
import { backupEndLine, backupHeaderLine, backupRoomLine } from '../admin/formats';
import { type AdminRoutes, boardRooms, json } from '../admin/http';
import type { RoomDump } from '../admin/ops';
import type { DocStore } from '../core/doc-store';
import type { Logger } from '../core/ports';
import type { History } from './history';
import { type OffsetClock, parseOffset } from './test-clock';
import { parseVersionTime } from './version-time';

export interface HistoryAdminOptions {
  history: History;
  store: DocStore;
  logger: Logger;
  /** The shifted clock when the server runs on one; null otherwise (no clock endpoint). */
  testClock: OffsetClock | null;
}

/** The board's rooms at their newest versions at or before `at` (rooms without one are left out). */
export async function boardAt(
  history: History,
  store: DocStore,
  board: string,
  at: number,
): Promise<RoomDump[]> {
  const include = boardRooms(board);
  const rooms = (await store.list()).map((summary) => summary.room).filter(include);
  rooms.sort();
  const dumps: RoomDump[] = [];
  for (const room of rooms) {
    const version = await history.version(room, at);
    if (version === null) continue;
    dumps.push({
      room,
      state: version.update,
      entries: 0,
      bytes: version.update.byteLength,
      updatedAt: version.time,
    });
  }
  return dumps;
}

export function historyAdminRoutes({ history, store, logger, testClock }: HistoryAdminOptions): AdminRoutes {
  return async (route, url, _req, res) => {
    if (route === 'GET /admin/history') {
      const room = url.searchParams.get('room');
      const board = url.searchParams.get('board');
      if (room !== null) {
        if (!isValidRoomName(room)) json(res, 400, { error: 'invalid room name' });
        else {
          const versions = (await history.versions(room)).reverse();
          json(res, 200, { room, retention: history.retention, now: history.now(), versions });
        }
        return true;
      }
      const at = parseVersionTime(url.searchParams.get('at') ?? '');
      if (board === null || !isValidId(board) || at === null) {
        json(res, 400, { error: 'give room=<name>, or board=<id> and at=<epoch ms or ISO 8601 time>' });
        return true;
      }
      const dumps = await boardAt(history, store, board, at);
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      res.end(
        [backupHeaderLine(new Date()), ...dumps.map(backupRoomLine), backupEndLine(dumps.length)].join(''),
      );
      return true;
    }
    if (route === 'POST /admin/clock' && testClock !== null) {
      const offset = parseOffset(url.searchParams.get('offset') ?? '');
      if (offset === null) {
        json(res, 400, { error: 'give offset=<whole milliseconds>' });
        return true;
      }
      testClock.offsetMs = offset;
      logger.warn({ offsetMs: offset }, 'testing aid: the server clock was moved');
      json(res, 200, { offsetMs: offset, now: testClock.now() });
      return true;
    }
    return false;
  };
}

/** Tries each set of admin routes in turn. */
export function chainAdminRoutes(...routes: AdminRoutes[]): AdminRoutes {
  return async (...args) => {
    for (const handle of routes) if (await handle(...args)) return true;
    return false;
  };
}
