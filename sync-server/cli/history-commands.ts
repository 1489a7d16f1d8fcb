/**
 * `history <room>` and `export <board> --at <time>`: the versions the store keeps (S13), through the
 * running server's admin endpoints or on the stopped data directory, like the other commands.
 */
import { isValidId, isValidRoomName } from '../../shared/room-names';
import type { RoomDump } from '../admin/ops';
import { systemClock } from '../core/ports';
import { boardAt } from '../history/admin-routes';
import { History } from '../history/history';
import {
  DEFAULT_HISTORY_TIERS_TEXT,
  HistoryPolicyError,
  parseHistoryTiers,
  type VersionInfo,
} from '../history/policy';
import { offsetClockFromEnv } from '../history/test-clock';
import { parseVersionTime } from '../history/version-time';
import { dumpsOfBackup, runExport, writeExport } from './board-commands';
import { preferRecordedServer } from './board-ops-commands';
import { checkOutputDir } from './files';
import { type CliIo, formatTable, parse, str, UsageError, using, type Values } from './options';
import { CliError, LocalTarget, RemoteTarget, type Target } from './target';

const TIERS_HELP = `  --history-tiers <tiers>  on a stopped data directory: the server's retention tiers
                           [env HISTORY_TIERS, default ${DEFAULT_HISTORY_TIERS_TEXT}]`;

export const HISTORY_COMMANDS = {
  history: {
    summary: "a room's kept versions: time, tier and size (newest first)",
    usage: `trellis-server history <room> [--json]
  Every version the retention tiers keep: every change of the last day, then one an hour, then one a
  day (as the server is configured). Fetch one with GET /history/<room>/<time>, or a whole board with
  trellis-server export <board> --at <time>.
${TIERS_HELP}`,
    run: runHistory,
  },
};

export const EXPORT_USAGE = `trellis-server export <board> [--at <time>] [--out <path without extension>]   [default ./<board>-export]
  --at   the board and its descriptions as they were then, each at its newest kept version at or
         before <time>: epoch milliseconds or ISO 8601 with its offset (2026-01-05T09:00:00Z; a date
         alone is 00:00 UTC) [default: now]; a rollback to the file brings the board back to it
${TIERS_HELP}`;

/** `export`, with `--at` reading a past version (S13.7) and without it the stored board. */
export function runExportCommand(args: string[], io: CliIo): Promise<number> {
  const at = args.some((arg) => arg === '--at' || arg.startsWith('--at='));
  return at ? runExportAt(args, io) : runExport(args, io);
}

function localHistory(t: LocalTarget, values: Values, io: CliIo): History {
  let tiers: ReturnType<typeof parseHistoryTiers>;
  try {
    tiers = parseHistoryTiers(
      str(values, 'history-tiers') ?? io.env.HISTORY_TIERS ?? DEFAULT_HISTORY_TIERS_TEXT,
    );
  } catch (error) {
    if (error instanceof HistoryPolicyError) throw new UsageError(`--history-tiers: ${error.message}`);
    throw error;
  }
  return new History({
    store: t.store,
    clock: offsetClockFromEnv(io.env) ?? systemClock,
    tiers,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

function remote(t: Target): RemoteTarget {
  if (t instanceof RemoteTarget) return t;
  throw new CliError(`cannot act on ${t.description}`);
}

interface Listing {
  room: string;
  retention: string;
  now: number;
  versions: VersionInfo[];
}

async function runHistory(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, { json: { type: 'boolean' }, 'history-tiers': { type: 'string' } });
  const values = await preferRecordedServer(parsed.values, io);
  const room = parsed.positionals[0];
  if (room === undefined || !isValidRoomName(room)) throw new UsageError('give a room name, e.g. board.<id>');
  const listing = await using(values, io, async (t): Promise<Listing> => {
    if (t instanceof LocalTarget) {
      const history = localHistory(t, values, io);
      return {
        room,
        retention: history.retention,
        now: history.now(),
        versions: (await history.versions(room)).reverse(),
      };
    }
    const response = await remote(t).request('GET', `/admin/history?room=${encodeURIComponent(room)}`);
    return (await response.json()) as Listing;
  });
  if (values.json) {
    io.out(`${JSON.stringify(listing, null, 2)}\n`);
    return 0;
  }
  if (listing.versions.length === 0) {
    io.err(
      listing.retention === 'off'
        ? 'no versions: the history is off (--history-tiers off)\n'
        : `no versions of ${room} are kept (${listing.retention})\n`,
    );
    return 0;
  }
  const rows = listing.versions.map((v) => [
    new Date(v.time).toISOString(),
    String(v.time),
    age(listing.now - v.time),
    v.tier,
    String(v.size),
  ]);
  io.out(formatTable(['TIME', 'MS', 'AGE', 'TIER', 'BYTES'], rows));
  io.err(`${listing.versions.length} versions of ${room} (kept: ${listing.retention})\n`);
  return 0;
}

function age(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h`;
  return `${Math.floor(minutes / 1440)}d`;
}

async function runExportAt(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args, {
    out: { type: 'string' },
    at: { type: 'string' },
    'history-tiers': { type: 'string' },
  });
  const values = await preferRecordedServer(parsed.values, io);
  const board = parsed.positionals[0];
  if (board === undefined || !isValidId(board)) throw new UsageError('give a board id');
  const atText = str(values, 'at') ?? '';
  const at = parseVersionTime(atText);
  if (at === null) {
    throw new UsageError(
      `--at: expected epoch milliseconds or an ISO 8601 time with its offset (2026-01-05T09:00:00Z), got ${JSON.stringify(atText)}`,
    );
  }
  const iso = new Date(at).toISOString();
  const base = (str(values, 'out') ?? `${board}-at-${iso.replace(/[:.]/g, '-')}`).replace(/\.(json|md)$/, '');
  await checkOutputDir(base);
  const dumps = await using(values, io, async (t): Promise<RoomDump[]> => {
    if (t instanceof LocalTarget) return boardAt(localHistory(t, values, io), t.store, board, at);
    const path = `/admin/history?board=${encodeURIComponent(board)}&at=${at}`;
    return dumpsOfBackup(await (await remote(t).request('GET', path)).text());
  });
  if (dumps.length === 0) throw new CliError(`board ${board} has no version at or before ${iso}`);
  await writeExport(board, dumps, base, io);
  io.err(`exported ${dumps.length} rooms of board ${board} as they were at ${iso}\n`);
  return 0;
}
