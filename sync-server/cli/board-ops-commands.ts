/**
 * `rollback`, `delete` and `revoke`: operations on one board (S12), through the running server's
 * admin endpoints or on the stopped data directory, like the other commands.
 */
import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidId } from '../../shared/room-names';
import { BoardOps } from '../admin/board-ops';
import { backupText } from '../admin/board-ops-http';
import { CheckError, checkFileRooms, type FileRoom, problemsOf } from '../admin/check';
import {
  backupEndLine,
  backupHeaderLine,
  backupRoomLine,
  FormatError,
  parseBackup,
  parseExport,
} from '../admin/formats';
import { boardRooms } from '../admin/http';
import { readServerRecord } from '../admin/local-files';
import { LevelDocStore } from '../storage/level-doc-store';
import { LevelRevocationStore } from '../storage/level-revocations';
import { checkOutputDir, fileError, openPrivate, readInput } from './files';
import { type CliIo, dataDirOf, parse, str, UsageError, using, type Values } from './options';
import { CliError, LocalTarget, RemoteTarget, type Target } from './target';

interface BoardCommand {
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

export const BOARD_OPS_COMMANDS: Record<string, BoardCommand> = {
  rollback: {
    summary: 'bring a board and its descriptions back to a backup, as a new change clients merge live',
    usage: `trellis-server rollback <board> <backup or export file, or - for standard input> [--keep <file>]
  Every room of the board (the board and its card descriptions, those in the backup and those stored
  now) returns to its content in the backup by a new change: connected clients merge it without
  reconnecting, and edits made afterwards apply on top. The file's rooms are checked, and every
  room's change is verified to reproduce the backup, before anything changes.
  --keep   where the board's content just before is saved (0600; must not exist)
           [default ./<board>-before-rollback-<time>.backup]; rolling back to it undoes the rollback`,
    run: runRollback,
  },
  delete: {
    summary: 'delete a board and its descriptions; connected clients are closed (4410)',
    usage: `trellis-server delete <board>
  Removes the board's document and every card description of it from the store, and from the running
  server without storing them again. Its connected clients are closed with 4410 and do not reconnect.
  There is no undo: take a backup first (trellis-server backup).`,
    run: runDelete,
  },
  revoke: {
    summary: 'make every link to a board minted until now stop working (the key stays)',
    usage: `trellis-server revoke <board>
  Tokens for the board minted until now are refused (401) and open connections holding one are closed
  (4401); links minted afterwards (trellis-server token) work. Kept in the data directory across
  restarts; a scaled-out deployment keeps it in PostgreSQL: give --server <an instance's URL>.`,
    run: runRevoke,
  },
};

function boardArgument(positionals: string[]): string {
  const board = positionals[0];
  if (board === undefined || !isValidId(board)) throw new UsageError('give a board id');
  return board;
}

/** On a stopped data directory: its own core over the store (`revoke` writes the store directly). */
function localOps(t: LocalTarget): BoardOps {
  return new BoardOps(t.core, t.store, null);
}

/**
 * A scaled-out server keeps no documents in its data directory, so its LevelDB is never locked and
 * the CLI would act on an empty store there. Its recorded URL is used instead: a board operation on
 * the wrong store would report success and change nothing that is served.
 */
export async function preferRecordedServer(values: Values, io: CliIo): Promise<Values> {
  if (str(values, 'server') !== undefined) return values;
  const dataDir = dataDirOf(values, io);
  if (existsSync(join(dataDir, 'CURRENT'))) return values; // a LevelDB: locked if a server runs on it
  const record = await readServerRecord(dataDir);
  return record === null ? values : { ...values, server: record.url };
}

function remote(t: Target): RemoteTarget {
  if (t instanceof RemoteTarget) return t;
  throw new CliError(`cannot act on ${t.description}`);
}

async function runRollback(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, { keep: { type: 'string' } });
  const { positionals } = parsed;
  const values = await preferRecordedServer(parsed.values, io);
  const board = boardArgument(positionals);
  const file = positionals[1];
  if (file === undefined) throw new UsageError('give the backup file to roll back to');
  const rooms = roomsOfFile(await readInput(file, io)).filter((room) => boardRooms(board)(room.room));
  // Checked here, where the file's checksums are, and again where the rooms change.
  const problems = problemsOf(checkFileRooms(rooms, board));
  if (problems.length > 0) throw new CheckError(problems, 'rollback');
  if (rooms.length === 0) throw new CliError(`${file} holds no room of board ${board}`);
  const keep =
    str(values, 'keep') ??
    `${board}-before-rollback-${new Date().toISOString().replace(/[:.]/g, '-')}.backup`;
  await checkOutputDir(keep);
  if (await exists(keep)) throw new CliError(`${keep} exists: give another --keep`);
  // Opened before anything changes: the copy of what the rollback replaces must have a place to go.
  const handle = await openPrivate(keep);
  let result: { rooms: Array<{ room: string; changed: boolean }>; before: string };
  try {
    result = await using(values, io, (t) => rollback(t, board, rooms), { create: true });
    try {
      await handle.write(result.before);
      await handle.sync();
    } catch (error) {
      throw fileError(error, 'write', keep);
    }
  } finally {
    await handle.close();
  }
  const changed = result.rooms.filter((room) => room.changed).length;
  io.out(`${keep}\n`);
  io.err(
    `rolled back board ${board} to ${file}: ${changed} rooms changed, ${result.rooms.length - changed} already as in the backup; ` +
      `its content just before is in ${keep} (trellis-server rollback ${board} ${keep} undoes this)\n`,
  );
  return 0;
}

/** The rooms of a backup, or of a board's export (`trellis-server export`). */
function roomsOfFile(text: string): FileRoom[] {
  try {
    return parseBackup(text);
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    try {
      return parseExport(text).rooms;
    } catch {
      throw error;
    }
  }
}

async function rollback(
  t: Target,
  board: string,
  rooms: FileRoom[],
): Promise<{ rooms: Array<{ room: string; changed: boolean }>; before: string }> {
  if (t instanceof LocalTarget) {
    const result = await localOps(t).rollback(board, rooms);
    return { rooms: result.rooms, before: backupText(result.before) };
  }
  const body = [
    backupHeaderLine(new Date()),
    ...rooms.map(({ room, state }) =>
      backupRoomLine({ room, state, entries: 0, bytes: state.byteLength, updatedAt: 0 }),
    ),
    backupEndLine(rooms.length),
  ].join('');
  const response = await remote(t).request(
    'POST',
    `/admin/rollback?board=${encodeURIComponent(board)}`,
    body,
  );
  return (await response.json()) as { rooms: Array<{ room: string; changed: boolean }>; before: string };
}

async function runDelete(args: string[], io: CliIo): Promise<number> {
  const { positionals, ...parsed } = parse(args, {});
  const values = await preferRecordedServer(parsed.values, io);
  const board = boardArgument(positionals);
  const deleted = await using(values, io, async (t) => {
    if (t instanceof LocalTarget) {
      const found = await t.store.list();
      if (!found.some(({ room }) => boardRooms(board)(room))) {
        throw new CliError(`${t.description} holds no room of board ${board}`);
      }
      return localOps(t).deleteBoard(board);
    }
    const response = await remote(t).request('POST', `/admin/delete?board=${encodeURIComponent(board)}`);
    return ((await response.json()) as { deleted: string[] }).deleted;
  });
  io.err(`deleted board ${board}: ${deleted.length} rooms (${deleted.join(', ')})\n`);
  return 0;
}

async function runRevoke(args: string[], io: CliIo): Promise<number> {
  const { positionals, ...parsed } = parse(args, {});
  const values = await preferRecordedServer(parsed.values, io);
  const board = boardArgument(positionals);
  const outcome = await using(
    values,
    io,
    async (t): Promise<{ revokedAt: number; closed: number | null; auth: boolean | null }> => {
      if (t instanceof LocalTarget) {
        if (!(t.store instanceof LevelDocStore))
          throw new CliError(`cannot keep revocations in ${t.description}`);
        const revokedAt = await new LevelRevocationStore(t.store).save(board, Date.now());
        return { revokedAt, closed: null, auth: null };
      }
      const response = await remote(t).request('POST', `/admin/revoke?board=${encodeURIComponent(board)}`);
      return (await response.json()) as { revokedAt: number; closed: number; auth: boolean };
    },
    { create: true },
  );
  const when = new Date(outcome.revokedAt).toISOString();
  const effect =
    outcome.closed === null
      ? 'it holds from the next start of the server on this data directory'
      : `${outcome.closed} connections closed`;
  io.err(`revoked every link to board ${board} minted before ${when}; ${effect}\n`);
  if (outcome.auth === false) {
    io.err(
      'warning: the server runs without AUTH_SECRET or AUTH_PUBLIC_KEY: anyone it admits opens every board\n',
    );
  }
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
