/**
 * The server's versions of a room (sync-server SPEC S13.4): `GET /history/<room>` lists them and
 * `GET /history/<room>/<time>` returns one as a Yjs update, with the board's own token (a read token may
 * look too). Only the server keeps versions, so offline the only versions to show are those this tab
 * fetched before: lists and versions are kept in memory for the life of the tab (a version never changes;
 * a list is refreshed whenever the server can be asked).
 */

export interface VersionInfo {
  /** Milliseconds since the epoch: the version holds every update stored up to then. */
  readonly time: number;
  /** Bytes of the stored updates it is rebuilt from. */
  readonly size: number;
  /** The retention tier that keeps it (e.g. "24h:all"). */
  readonly tier: string;
}

export interface VersionList {
  /** Newest first. */
  readonly versions: readonly VersionInfo[];
  /** The server's time when it answered (what "an hour ago" is measured from). */
  readonly now: number;
  /** Whether this list came from memory because the server could not be asked. */
  readonly fromMemory: boolean;
}

/** Why a list or a version could not be had. */
export type VersionProblem =
  | { readonly kind: 'offline' }
  | { readonly kind: 'unreachable' }
  | { readonly kind: 'denied'; readonly status: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly status: number };

export class VersionError extends Error {
  override name = 'VersionError';
  constructor(readonly problem: VersionProblem) {
    super(problemText(problem));
  }
}

/** What the view says for a problem. */
export function problemText(problem: VersionProblem): string {
  switch (problem.kind) {
    case 'offline':
      return 'Viewing versions needs the server — you are offline.';
    case 'unreachable':
      return 'Viewing versions needs the server, and it cannot be reached right now.';
    case 'denied':
      return 'This link does not give access to the versions.';
    case 'missing':
      return 'The server keeps no such version.';
    case 'failed':
      return `The server could not answer (${problem.status}); try again.`;
  }
}

export interface VersionSource {
  list(room: string): Promise<VersionList>;
  /** One version's update, from memory if this tab fetched it before. */
  version(room: string, time: number): Promise<Uint8Array>;
  /** The version if this tab has it in memory, without asking anyone. */
  cached(room: string, time: number): Uint8Array | null;
}

export interface VersionSourceOptions {
  /** The sync server's websocket URL (its HTTP base is derived). */
  serverUrl: string;
  /** The board's token, or null on a server without auth. */
  token: string | null;
  fetchImpl?: typeof fetch;
  isOnline?: () => boolean;
}

/** The HTTP base of the sync server, from its websocket URL (as share-api.ts derives it; no DOM here). */
function httpBase(serverUrl: string): string {
  return serverUrl.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/+$/, '');
}

/** The browser's idea of being online; true where there is no navigator (Node). */
function browserOnline(): boolean {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return nav?.onLine ?? true;
}

/** Kept for the life of the tab, per server: what offline viewing can show (see above). */
const lists = new Map<string, VersionList>();
const updates = new Map<string, Uint8Array>();

export function httpVersionSource(options: VersionSourceOptions): VersionSource {
  const base = httpBase(options.serverUrl);
  const fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  const isOnline = options.isOnline ?? browserOnline;
  const headers: Record<string, string> =
    options.token === null ? {} : { authorization: `Bearer ${options.token}` };
  const roomUrl = (room: string) => `${base}/history/${encodeURIComponent(room)}`;
  const key = (room: string, time: number) => `${base} ${room} ${time}`;

  const ask = async (url: string): Promise<Response> => {
    if (!isOnline()) throw new VersionError({ kind: 'offline' });
    let response: Response;
    try {
      response = await fetchImpl(url, { headers });
    } catch {
      throw new VersionError({ kind: isOnline() ? 'unreachable' : 'offline' });
    }
    if (response.status === 401 || response.status === 403)
      throw new VersionError({ kind: 'denied', status: response.status });
    if (response.status === 404) throw new VersionError({ kind: 'missing' });
    if (!response.ok) throw new VersionError({ kind: 'failed', status: response.status });
    return response;
  };

  return {
    async list(room) {
      const listKey = `${base} ${room}`;
      try {
        const response = await ask(roomUrl(room));
        const list = readList(await response.json());
        lists.set(listKey, list);
        return list;
      } catch (error) {
        const kept = lists.get(listKey);
        if (kept && isReachProblem(error)) return { ...kept, fromMemory: true };
        throw error;
      }
    },
    async version(room, time) {
      const kept = updates.get(key(room, time));
      if (kept) return kept;
      const response = await ask(`${roomUrl(room)}/${time}`);
      const update = new Uint8Array(await response.arrayBuffer());
      updates.set(key(room, time), update);
      return update;
    },
    cached(room, time) {
      return updates.get(key(room, time)) ?? null;
    },
  };
}

function isReachProblem(error: unknown): boolean {
  return (
    error instanceof VersionError &&
    (error.problem.kind === 'offline' || error.problem.kind === 'unreachable')
  );
}

function readList(body: unknown): VersionList {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const raw = Array.isArray(record.versions) ? record.versions : [];
  const versions: VersionInfo[] = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) continue;
    const { time, size, tier } = item as Record<string, unknown>;
    if (typeof time !== 'number' || !Number.isFinite(time)) continue;
    versions.push({
      time,
      size: typeof size === 'number' ? size : 0,
      tier: typeof tier === 'string' ? tier : '',
    });
  }
  versions.sort((a, b) => b.time - a.time);
  const now = typeof record.now === 'number' ? record.now : Date.now();
  return { versions, now, fromMemory: false };
}

/** Forgets what this tab fetched (tests). */
export function forgetFetchedVersions(): void {
  lists.clear();
  updates.clear();
}
