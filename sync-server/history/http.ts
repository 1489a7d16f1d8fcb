/**
 * The history of a room over HTTP (S13.4, S13.5), with the same access as the room itself:
 *
 *   GET /history/<room>          the kept versions, newest first:
 *                                { room, retention, now, versions: [{ time, size, tier }] }
 *   GET /history/<room>/<time>   the newest version at or before <time> (epoch ms or ISO 8601 UTC):
 *                                every update stored up to it, as one binary Yjs update
 *                                (`x-trellis-version` names its time), or with `?format=json` or
 *                                `Accept: application/json` { room, time, update: <base64> }
 *
 * A read token may list and fetch; there is no way to write here: restoring a version is an edit
 * a client makes on top of the present. 400 for a malformed room or time and 401/403 as for the
 * room are answered before the store is read; 404 when there is no such version (before the
 * document's first update, or older than the retention). Nothing here loads a room or writes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidRoomName } from '../../shared/room-names';
import type { Logger } from '../core/ports';
import type { Authorizer } from '../http/ws-transport';
import type { History } from './history';
import { parseVersionTime } from './version-time';

export const HISTORY_PATH_PREFIX = '/history/';

export interface HistoryHandlerOptions {
  history: History;
  authorize: Authorizer;
  logger: Logger;
  /** Versions rebuilt at once (each merges many updates); more wait, and past `maxWaiting` get 503. */
  maxConcurrent?: number;
  maxWaiting?: number;
}

type Parsed = { ok: true; room: string; time: number | null } | { ok: false; reason: string };

function parsePath(path: string): Parsed {
  const parts = path.slice(HISTORY_PATH_PREFIX.length).split('/');
  if (parts.length > 2) return { ok: false, reason: 'expected /history/<room> or /history/<room>/<time>' };
  let room: string;
  let timeText: string | undefined;
  try {
    room = decodeURIComponent(parts[0]!);
    timeText = parts[1] === undefined ? undefined : decodeURIComponent(parts[1]);
  } catch {
    return { ok: false, reason: 'malformed URL encoding' };
  }
  if (!isValidRoomName(room)) return { ok: false, reason: 'invalid room name' };
  if (timeText === undefined) return { ok: true, room, time: null };
  const time = parseVersionTime(timeText);
  if (time === null) {
    return {
      ok: false,
      reason: 'invalid version time: give epoch milliseconds or an ISO 8601 time with its offset',
    };
  }
  return { ok: true, room, time };
}

export function createHistoryHandler(options: HistoryHandlerOptions) {
  const { history, authorize, logger } = options;
  const gate = new Gate(options.maxConcurrent ?? 2, options.maxWaiting ?? 64);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(HISTORY_PATH_PREFIX)) return false;
    try {
      await answer(req, res, url);
    } catch (error) {
      logger.error({ err: error, path: url.pathname }, 'history request failed');
      if (!res.headersSent) json(res, 500, { error: 'reading the history failed' });
      else res.destroy();
    }
    return true;
  };

  async function answer(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET') {
      json(
        res,
        405,
        { error: 'the history is read-only: restore a version by editing the document' },
        {
          allow: 'GET',
        },
      );
      return;
    }
    const parsed = parsePath(url.pathname);
    if (!parsed.ok) {
      json(res, 400, { error: parsed.reason });
      return;
    }
    const { room, time } = parsed;
    const decision = await authorize(req, room, url);
    if (!decision.ok) {
      logger.debug({ room, status: decision.status }, `history request refused: ${decision.reason}`);
      json(res, decision.status, { error: decision.reason });
      return;
    }
    if (time === null) {
      const versions = await history.versions(room);
      json(res, 200, {
        room,
        retention: history.retention,
        now: history.now(),
        versions: versions.reverse(),
      });
      return;
    }
    if (!history.mayHold(time)) {
      json(res, 404, { error: noVersion(history, time) });
      return;
    }
    if (!gate.enter()) {
      json(res, 503, { error: 'too many versions being rebuilt; try again shortly' }, { 'retry-after': '1' });
      return;
    }
    let version: Awaited<ReturnType<History['version']>>;
    try {
      await gate.turn();
      version = await history.version(room, time);
    } finally {
      gate.leave();
    }
    if (version === null) {
      json(res, 404, { error: noVersion(history, time) });
      return;
    }
    if (url.searchParams.get('format') === 'json' || wantsJson(req)) {
      json(res, 200, { room, time: version.time, update: Buffer.from(version.update).toString('base64') });
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': version.update.byteLength,
      'cache-control': 'no-store',
      'x-trellis-version': String(version.time),
    });
    res.end(version.update);
  }
}

function noVersion(history: History, time: number): string {
  if (!history.enabled) return 'this server keeps no history';
  return `no version at or before ${new Date(time).toISOString()} (${history.retention} kept)`;
}

function wantsJson(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('application/octet-stream');
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** At most `max` at once, `maxWaiting` more queued in order, the rest refused. */
class Gate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private admitted = 0;

  constructor(
    private readonly max: number,
    private readonly maxWaiting: number,
  ) {}

  enter(): boolean {
    if (this.admitted >= this.max + this.maxWaiting) return false;
    this.admitted++;
    return true;
  }

  turn(): Promise<void> {
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    this.admitted--;
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
