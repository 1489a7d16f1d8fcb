/**
 * `trellis-server`: one command with subcommands for running and operating a Trellis sync server.
 * Every subcommand parses its own flags; secrets and addresses fall back to the same environment
 * variables the server reads (AUTH_SECRET, AUTH_PUBLIC_KEY's private half AUTH_PRIVATE_KEY, PUBLIC_URL,
 * HOST, PORT, DATA_DIR).
 */
import { isValidId, isValidRoomName } from '../../shared/room-names';
import { CheckError } from '../admin/check';
import { FormatError } from '../admin/formats';
import { readServerRecord } from '../admin/local-files';
import { DamagedRoomError, NoSuchRoomError } from '../admin/ops';
import { parseDuration, Role, signToken } from '../auth/tokens';
import { runStart } from '../start';
import { VERSION } from '../version';
import { runBackup, runRestore, runVerify } from './backup-commands';
import { runImport, runInspect } from './board-commands';
import { BOARD_OPS_COMMANDS } from './board-ops-commands';
import { EXPORT_USAGE, HISTORY_COMMANDS, runExportCommand } from './history-commands';
import {
  type CliIo,
  COMMON_HELP,
  cliLogger,
  dataDirOf,
  formatTable,
  parse,
  serverBase,
  signKeyFrom,
  str,
  UsageError,
  using,
} from './options';
import { CliError } from './target';

export type { CliIo };

interface Command {
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'run the sync server (what npm start runs)',
    usage: 'trellis-server start [options]   (see trellis-server start --help)',
    run: async (args) => {
      await runStart(args);
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    },
  },
  token: {
    summary: 'print a share link that opens a board with read or write access',
    usage: `trellis-server token --board <id> [--board <id>…] --role read|write [--expires 7d] [--name "…"] [--url <base>]
  --expires   30m, 12h, 7d, 2w or never [default 7d]
  --url       the address people open [env PUBLIC_URL; else the address the server running on
              the data directory records (its --public-url, else where it listens); else
              http://HOST:PORT]
  --token-only  print only the token`,
    run: runToken,
  },
  list: {
    summary: 'rooms with size, update count and last change',
    usage: 'trellis-server list [--json]',
    run: runList,
  },
  inspect: {
    summary: 'a room as readable JSON (the board, a description as Markdown, or its raw types)',
    usage: 'trellis-server inspect <room>',
    run: runInspect,
  },
  export: {
    summary: 'a board and its card descriptions to <out>.json and <out>.md (--at: as they were then)',
    usage: EXPORT_USAGE,
    run: runExportCommand,
  },
  import: {
    summary: 'merge an exported board (JSON from export) into the store, all rooms checked first',
    usage: `trellis-server import <file.json>|- [--board <id>]   (-: read the file from standard input)
  Only the rooms of the file's board (or of --board, which must match it) are accepted. Every room is
  decoded first; a name, checksum or state that fails the check refuses the whole import.`,
    run: runImport,
  },
  backup: {
    summary: 'a consistent copy of every room, also while the server runs',
    usage: `trellis-server backup <file> | --stdout
  The file is readable by its owner only (0600). It is written as <file>.partial, checked, then
  renamed; on any failure nothing is left behind. --stdout writes the backup to standard output
  (messages go to standard error), e.g. trellis-server backup --stdout | ssh host trellis-server restore -`,
    run: runBackup,
  },
  restore: {
    summary: 'replace stored rooms by those of a backup (server stopped), all rooms checked first',
    usage: `trellis-server restore <file>|- [--force]   (-: standard input; --force: the data directory is not empty)
  Every room's checksum and state are checked before anything is written; one failure refuses the
  whole restore. Backups written before checksums (version 1) restore, checked by decoding only.`,
    run: runRestore,
  },
  verify: {
    summary: 'decode every room of the data directory, the running server or a backup file',
    usage: `trellis-server verify [<backup file>|-] [--json]   (-: a backup on standard input)
  Reports per room: ok, pending structs (parts wait for content it lacks), undecodable, or for a
  backup also a checksum mismatch; with sizes. Exits 1 if any room is not ok.`,
    run: runVerify,
  },
  compact: {
    summary: "merge a room's (or every room's) update log into one entry",
    usage: 'trellis-server compact [room]   (a room that is not stored is refused)',
    run: runCompact,
  },
  migrate: {
    summary: 'move every document between LevelDB and scale-out (Redis + PostgreSQL), merging',
    usage: `trellis-server migrate to-scaleout|to-level [--redis-url <url>] [--database-url <url>]
  --redis-url     [env REDIS_URL]
  --database-url  [env DATABASE_URL]
  Every document is merged into what the target holds and checked afterwards. to-level needs the
  data directory free (no single-node server on it); to-scaleout may run beside live instances.
  The data directory must exist (to-scaleout: and hold a store); Redis and PostgreSQL are both
  checked before anything is copied.`,
    run: runMigrate,
  },
  ...BOARD_OPS_COMMANDS,
  ...HISTORY_COMMANDS,
};

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  return [
    'Usage: trellis-server <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}${command.summary}`),
    '',
    'trellis-server <command> --help shows the options of a command; trellis-server --version the version.',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(`${mainHelp()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`trellis-server: unknown command ${JSON.stringify(name)}\n\n${mainHelp()}\n`);
    return 2;
  }
  if (name !== 'start' && (rest.includes('--help') || rest.includes('-h'))) {
    io.out(`Usage: ${command.usage}\n\n${COMMON_HELP}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (name === 'start') throw error;
    // An operator gets one line saying what went wrong, never a stack trace; TRELLIS_DEBUG=1 adds it.
    const known = [CliError, FormatError, UsageError, CheckError, DamagedRoomError, NoSuchRoomError].some(
      (type) => error instanceof type,
    );
    const message = error instanceof Error ? error.message : String(error);
    io.err(`trellis-server ${name}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (!known && io.env.TRELLIS_DEBUG === '1' && error instanceof Error) io.err(`${error.stack}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

async function runToken(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    board: { type: 'string', multiple: true },
    role: { type: 'string' },
    expires: { type: 'string' },
    name: { type: 'string' },
    url: { type: 'string' },
    'token-only': { type: 'boolean' },
  });
  const boards = (values.board as string[] | undefined) ?? [];
  if (boards.length === 0) throw new UsageError('give --board <id>');
  for (const board of boards) {
    if (!isValidId(board)) throw new UsageError(`invalid board id ${JSON.stringify(board)}`);
  }
  const role = values.role;
  if (role !== Role.read && role !== Role.write) throw new UsageError('give --role read or --role write');
  let expiresInSeconds: number | null;
  try {
    expiresInSeconds = parseDuration(str(values, 'expires') ?? '7d');
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const key = signKeyFrom(values, io);
  if (key === null) {
    throw new CliError(
      'no key to sign with: set AUTH_SECRET (or AUTH_PRIVATE_KEY), the same as the server’s',
    );
  }
  const name = str(values, 'name');
  const token = await signToken(key, { boards, role, expiresInSeconds, ...(name ? { name } : {}) });
  if (values['token-only']) {
    io.out(`${token}\n`);
    return 0;
  }
  const base = (
    str(values, 'url') ||
    io.env.PUBLIC_URL ||
    (await recordedUrl(dataDirOf(values, io))) ||
    serverBase(io)
  ).replace(/\/+$/, '');
  io.out(`${base}/b/${encodeURIComponent(boards[0]!)}?token=${token}\n`);
  const expiry =
    expiresInSeconds === null
      ? 'never expires'
      : `expires ${new Date(Date.now() + expiresInSeconds * 1000).toISOString()}`;
  io.err(`${role} access to ${boards.join(', ')}${name ? ` for ${name}` : ''}; ${expiry}\n`);
  return 0;
}

/** Where the server on `dataDir` said people reach it: its public URL if it has one, else where it listens. */
async function recordedUrl(dataDir: string): Promise<string | null> {
  const record = await readServerRecord(dataDir);
  return record?.publicUrl ?? record?.url ?? null;
}

async function runList(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const rooms = await using(values, io, (t) => t.list());
  if (values.json) {
    io.out(`${JSON.stringify(rooms, null, 2)}\n`);
    return 0;
  }
  const rows = rooms.map((r) => [
    r.room,
    String(r.bytes),
    String(r.entries),
    r.updatedAt ? new Date(r.updatedAt).toISOString() : '-',
    r.loaded ? `loaded, ${r.connections} connected` : '',
  ]);
  io.out(formatTable(['ROOM', 'BYTES', 'UPDATES', 'LAST CHANGE', ''], rows));
  return 0;
}

async function runMigrate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    'redis-url': { type: 'string' },
    'database-url': { type: 'string' },
  });
  const direction = positionals[0];
  if (direction !== 'to-scaleout' && direction !== 'to-level')
    throw new UsageError('say where to: to-scaleout or to-level');
  const redisUrl = str(values, 'redis-url') ?? io.env.REDIS_URL;
  const databaseUrl = str(values, 'database-url') ?? io.env.DATABASE_URL;
  if (!redisUrl || !databaseUrl)
    throw new UsageError('--redis-url and --database-url (or REDIS_URL and DATABASE_URL) are required');
  // Loaded here only: the Redis and PostgreSQL clients are not needed by any other command.
  const { migrate } = await import('../scaleout/migrate');
  const report = await migrate({
    direction,
    dataDir: dataDirOf(values, io),
    redisUrl,
    databaseUrl,
    log: (line) => io.err(`${line}\n`),
    storeLogger: cliLogger(io),
  });
  io.out(`migrated ${report.rooms} documents (${report.bytes} bytes) ${direction}\n`);
  return 0;
}

async function runCompact(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  const room = positionals[0];
  if (room !== undefined && !isValidRoomName(room))
    throw new UsageError(`invalid room name ${JSON.stringify(room)}`);
  const compacted = await using(values, io, (t) => t.compact(room));
  io.err(`compacted ${compacted.length} rooms\n`);
  return 0;
}
