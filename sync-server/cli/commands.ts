/**
 * `trellis-server`: one command with subcommands for running and operating a Trellis sync server.
 * Every subcommand parses its own flags; secrets and addresses fall back to the same environment
 * variables the server reads (AUTH_SECRET, AUTH_PUBLIC_KEY's private half AUTH_PRIVATE_KEY, PUBLIC_URL,
 * HOST, PORT, DATA_DIR).
 */

import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isValidId, isValidRoomName } from '../../shared/room-names';
import { buildExport, docOf, FormatError, inspectDoc, parseBackup, parseExport } from '../admin/formats';
import { readAdminCredential } from '../admin/local-files';
import type { RoomDump } from '../admin/ops';
import { parseDuration, privateSignKey, Role, type SignKey, secretKey, signToken } from '../auth/tokens';
import { DEFAULT_CONFIG } from '../config';
import { runStart } from '../start';
import { CliError, LocalTarget, openTarget, type Target } from './target';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

const COMMON_FLAGS = {
  'data-dir': { type: 'string' },
  server: { type: 'string' },
  'auth-secret': { type: 'string' },
  'auth-private-key': { type: 'string' },
  help: { type: 'boolean' },
} as const;

const COMMON_HELP = `Common options:
  --data-dir <dir>          data directory when no server runs [env DATA_DIR, default ./data]
  --server <url>            act through this running server's admin endpoints
                            (default: the data directory; if a server holds it, http://127.0.0.1:PORT)
  --auth-secret <secret>    HS256 secret, to sign admin/share tokens [env AUTH_SECRET]
  --auth-private-key <pem>  PEM text or file, for ES256/RS256/EdDSA servers [env AUTH_PRIVATE_KEY]`;

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
  --url       the address people open [env PUBLIC_URL, default http://HOST:PORT]
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
    summary: 'a board and its card descriptions to <out>.json and <out>.md',
    usage: 'trellis-server export <board> [--out <path without extension>]   [default ./<board>-export]',
    run: runExport,
  },
  import: {
    summary: 'merge an exported board (JSON from export) into the store',
    usage: 'trellis-server import <file.json>',
    run: runImport,
  },
  backup: {
    summary: 'a consistent copy of every room, also while the server runs',
    usage: 'trellis-server backup <file>',
    run: runBackup,
  },
  restore: {
    summary: 'replace stored rooms by those of a backup (server stopped)',
    usage: 'trellis-server restore <file> [--force]   (--force: the data directory is not empty)',
    run: runRestore,
  },
  compact: {
    summary: "merge a room's (or every room's) update log into one entry",
    usage: 'trellis-server compact [room]',
    run: runCompact,
  },
  migrate: {
    summary: 'move every document between LevelDB and scale-out (Redis + PostgreSQL), merging',
    usage: `trellis-server migrate to-scaleout|to-level [--redis-url <url>] [--database-url <url>]
  --redis-url     [env REDIS_URL]
  --database-url  [env DATABASE_URL]
  Every document is merged into what the target holds and checked afterwards. to-level needs the
  data directory free (no single-node server on it); to-scaleout may run beside live instances.`,
    run: runMigrate,
  },
};

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  return [
    'Usage: trellis-server <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}${command.summary}`),
    '',
    'trellis-server <command> --help shows the options of a command.',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
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
    if (error instanceof CliError || error instanceof FormatError || error instanceof UsageError) {
      io.err(`trellis-server ${name}: ${error.message}\n`);
      return error instanceof UsageError ? 2 : 1;
    }
    throw error;
  }
}

class UsageError extends Error {}

type FlagSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

type Values = Record<string, string | boolean | string[] | undefined>;

function parse(args: string[], flags: FlagSpec): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...COMMON_FLAGS, ...flags },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function str(values: Values, flag: string): string | undefined {
  const value = values[flag];
  return typeof value === 'string' ? value : undefined;
}

function dataDirOf(values: Values, io: CliIo): string {
  return str(values, 'data-dir') ?? io.env.DATA_DIR ?? DEFAULT_CONFIG.dataDir;
}

function signKeyFrom(values: Values, io: CliIo): SignKey | null {
  const secret = str(values, 'auth-secret') ?? io.env.AUTH_SECRET;
  if (secret) return secretKey(secret);
  const privateKey = str(values, 'auth-private-key') ?? io.env.AUTH_PRIVATE_KEY;
  if (privateKey) return privateSignKey(privateKey);
  return null;
}

function serverBase(io: CliIo): string {
  const host = io.env.HOST && !['0.0.0.0', '::'].includes(io.env.HOST) ? io.env.HOST : '127.0.0.1';
  const port = io.env.PORT || String(DEFAULT_CONFIG.port);
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

async function target(values: Values, io: CliIo, localOnly: boolean, create: boolean): Promise<Target> {
  const key = signKeyFrom(values, io);
  const dataDir = dataDirOf(values, io);
  return openTarget({
    dataDir,
    serverUrl: str(values, 'server') ?? null,
    defaultServerUrl: serverBase(io),
    // The credential the server wrote into its data directory; else a short-lived admin token.
    adminToken: async () =>
      (await readAdminCredential(dataDir)) ??
      (key
        ? signToken(key, {
            boards: ['*'],
            role: Role.admin,
            name: 'trellis-server CLI',
            expiresInSeconds: 300,
          })
        : null),
    localOnly,
    create,
  });
}

async function using<T>(
  values: Values,
  io: CliIo,
  fn: (t: Target) => Promise<T>,
  { localOnly = false, create = false } = {},
): Promise<T> {
  const t = await target(values, io, localOnly, create);
  try {
    return await fn(t);
  } finally {
    await t.close();
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
  const base = (str(values, 'url') ?? io.env.PUBLIC_URL ?? serverBase(io)).replace(/\/+$/, '');
  io.out(`${base}/b/${encodeURIComponent(boards[0]!)}?token=${token}\n`);
  const expiry =
    expiresInSeconds === null
      ? 'never expires'
      : `expires ${new Date(Date.now() + expiresInSeconds * 1000).toISOString()}`;
  io.err(`${role} access to ${boards.join(', ')}${name ? ` for ${name}` : ''}; ${expiry}\n`);
  return 0;
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
  const header = ['ROOM', 'BYTES', 'UPDATES', 'LAST CHANGE', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) {
    io.out(
      `${row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
  return 0;
}

async function collect(t: Target, selection: Parameters<Target['dump']>[0]): Promise<RoomDump[]> {
  let text = '';
  await t.dump(selection, async (line) => {
    text += line;
  });
  const parsedRooms = parseBackup(text);
  return parsedRooms.map(({ room, state }) => ({
    room,
    state,
    entries: 0,
    bytes: state.byteLength,
    updatedAt: 0,
  }));
}

async function runInspect(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  const room = positionals[0];
  if (room === undefined || !isValidRoomName(room)) throw new UsageError('give a room name, e.g. board.<id>');
  const [dump] = await using(values, io, async (t) => {
    const found = await collect(t, { room });
    if (found.length === 0) throw new CliError(`${t.description} holds no room ${room}`);
    return found;
  });
  io.out(`${JSON.stringify(inspectDoc(room, docOf(dump!.state)), null, 2)}\n`);
  return 0;
}

async function runExport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string' } });
  const board = positionals[0];
  if (board === undefined || !isValidId(board)) throw new UsageError('give a board id');
  const dumps = await using(values, io, (t) => collect(t, { board }));
  if (dumps.length === 0) throw new CliError(`board ${board} has nothing stored`);
  const { json, markdown } = buildExport(board, dumps, new Date());
  const base = (str(values, 'out') ?? `${board}-export`).replace(/\.(json|md)$/, '');
  await writeFile(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(`${base}.md`, markdown);
  io.out(`${base}.json\n${base}.md\n`);
  io.err(`exported ${dumps.length} rooms of board ${board}\n`);
  return 0;
}

async function runImport(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  const file = positionals[0];
  if (file === undefined) throw new UsageError('give the exported JSON file');
  const { board, rooms } = parseExport(await readFile(file, 'utf8'));
  for (const { room } of rooms) {
    if (!isValidRoomName(room)) throw new FormatError(`invalid room name ${JSON.stringify(room)}`);
  }
  const imported = await using(values, io, (t) => t.importRooms(rooms), { create: true });
  io.err(`imported board ${board}: ${imported.length} rooms\n`);
  return 0;
}

async function runBackup(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {});
  const file = positionals[0];
  if (file === undefined) throw new UsageError('give the backup file to write');
  const partial = `${file}.partial`;
  const { open, rename } = await import('node:fs/promises');
  const handle = await open(partial, 'w');
  let rooms: number;
  try {
    rooms = await using(values, io, async (t) => {
      const n = await t.dump({ all: true }, async (line) => {
        await handle.write(line);
      });
      io.err(`backup of ${t.description}: `);
      return n;
    });
    await handle.sync();
  } finally {
    await handle.close();
  }
  // Check the copy end to end before it takes the final name: a cut stream has no end line.
  parseBackup(await readFile(partial, 'utf8'));
  await rename(partial, file);
  io.err(`${rooms} rooms written to ${file}\n`);
  return 0;
}

async function runRestore(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { force: { type: 'boolean' } });
  const file = positionals[0];
  if (file === undefined) throw new UsageError('give the backup file to restore');
  const rooms = parseBackup(await readFile(file, 'utf8'));
  await using(
    values,
    io,
    async (t) => {
      if (!(t instanceof LocalTarget)) throw new CliError('restore works on the data directory only');
      const existing = await t.store.list();
      if (existing.length > 0 && !values.force) {
        throw new CliError(
          `${t.description} already holds ${existing.length} rooms: restore into an empty directory, or add --force to replace the rooms in the backup (others stay)`,
        );
      }
      for (const { room, state } of rooms) await t.store.replace(room, state);
    },
    { localOnly: true, create: true },
  );
  io.err(`restored ${rooms.length} rooms\n`);
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
