/**
 * Where the CLI's admin commands act: the data directory itself when no server holds it, or the
 * running server's admin endpoints when one does (LevelDB admits one process at a time).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { FileRoom, RoomCheck } from '../admin/check';
import { backupEndLine, backupHeaderLine, backupRoomLine, parseBackup } from '../admin/formats';
import { boardRooms } from '../admin/http';
import { readServerRecord } from '../admin/local-files';
import { AdminOps, type RoomDump, type RoomListing } from '../admin/ops';
import type { DocStore } from '../core/doc-store';
import { type Logger, silentLogger } from '../core/ports';
import { SyncCore } from '../core/sync-core';
import { LevelDocStore } from '../storage/level-doc-store';

export type DumpSelection = { all: true } | { board: string } | { room: string };

export interface Target {
  /** How the operator is told where the command acted. */
  readonly description: string;
  list(): Promise<RoomListing[]>;
  /** Writes the selection in backup format, line by line. */
  dump(selection: DumpSelection, write: (line: string) => Promise<void>): Promise<number>;
  /** Merges a board's rooms into the store, all checked first; all or nothing (S10). */
  importRooms(board: string, rooms: FileRoom[]): Promise<string[]>;
  compact(room?: string): Promise<string[]>;
  /** Every stored room, decoded. */
  verify(): Promise<RoomCheck[]>;
  close(): Promise<void>;
}

export class CliError extends Error {
  override name = 'CliError';
}

function includeOf(selection: DumpSelection): (room: string) => boolean {
  if ('board' in selection) return boardRooms(selection.board);
  if ('room' in selection) return (room) => room === selection.room;
  return () => true;
}

/** Acts on an opened store through a core of its own, so writes take the same path as in the server. */
export class LocalTarget implements Target {
  readonly core: SyncCore;
  private readonly ops: AdminOps;

  constructor(
    readonly store: DocStore,
    readonly description: string,
  ) {
    this.core = new SyncCore({ store, logger: silentLogger, unloadDelayMs: 0, maxRooms: 0 });
    this.ops = new AdminOps(this.core, store);
  }

  list(): Promise<RoomListing[]> {
    return this.ops.list();
  }

  async dump(selection: DumpSelection, write: (line: string) => Promise<void>): Promise<number> {
    await write(backupHeaderLine(new Date()));
    let rooms = 0;
    for await (const dump of this.ops.dump(includeOf(selection))) {
      rooms++;
      await write(backupRoomLine(dump));
    }
    await write(backupEndLine(rooms));
    return rooms;
  }

  importRooms(board: string, rooms: FileRoom[]): Promise<string[]> {
    return this.ops.importRooms(board, rooms);
  }

  compact(room?: string): Promise<string[]> {
    return this.ops.compact(room);
  }

  verify(): Promise<RoomCheck[]> {
    return this.ops.verify();
  }

  async close(): Promise<void> {
    await this.core.stop();
    await this.store.close();
  }
}

/** Acts through the running server's /admin endpoints. */
export class RemoteTarget implements Target {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string | null,
  ) {}

  get description(): string {
    return `the server at ${this.baseUrl}`;
  }

  async list(): Promise<RoomListing[]> {
    const body = (await (await this.request('GET', '/admin/rooms')).json()) as { rooms: RoomListing[] };
    return body.rooms;
  }

  async dump(selection: DumpSelection, write: (line: string) => Promise<void>): Promise<number> {
    const path =
      'board' in selection
        ? `/admin/dump?board=${encodeURIComponent(selection.board)}`
        : 'room' in selection
          ? `/admin/dump?room=${encodeURIComponent(selection.room)}`
          : '/admin/backup';
    const response = await this.request('board' in selection || 'room' in selection ? 'GET' : 'POST', path);
    if (!response.body) throw new CliError('the server sent no body');
    // Streamed line by line; the end line is checked by whoever parses the result.
    const decoder = new TextDecoder();
    let rest = '';
    let rooms = -1;
    for await (const chunk of response.body) {
      rest += decoder.decode(chunk as Uint8Array, { stream: true });
      let newline = rest.indexOf('\n');
      while (newline >= 0) {
        const line = rest.slice(0, newline + 1);
        rest = rest.slice(newline + 1);
        // The server says why it stopped in a line of its own (and writes no end line).
        if (line.startsWith('{"error":')) throw new CliError((JSON.parse(line) as { error: string }).error);
        await write(line);
        rooms++;
        newline = rest.indexOf('\n');
      }
    }
    if (rest !== '') await write(rest);
    return Math.max(0, rooms - 1);
  }

  async importRooms(board: string, rooms: FileRoom[]): Promise<string[]> {
    const body = [
      backupHeaderLine(new Date()),
      ...rooms.map(({ room, state }) =>
        backupRoomLine({ room, state, entries: 0, bytes: state.byteLength, updatedAt: 0 } satisfies RoomDump),
      ),
      backupEndLine(rooms.length),
    ].join('');
    const response = await this.request('POST', `/admin/import?board=${encodeURIComponent(board)}`, body);
    return ((await response.json()) as { imported: string[] }).imported;
  }

  async verify(): Promise<RoomCheck[]> {
    return ((await (await this.request('GET', '/admin/verify')).json()) as { rooms: RoomCheck[] }).rooms;
  }

  async compact(room?: string): Promise<string[]> {
    const path = room === undefined ? '/admin/compact' : `/admin/compact?room=${encodeURIComponent(room)}`;
    return ((await (await this.request('POST', path)).json()) as { compacted: string[] }).compacted;
  }

  async close(): Promise<void> {}

  async request(method: string, path: string, body?: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          ...(this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/x-ndjson' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
    } catch (error) {
      throw new CliError(`cannot reach ${this.baseUrl}: ${(error as Error).message}`);
    }
    if (!response.ok) {
      const text = await response.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {}
      throw new CliError(`${this.description} answered ${response.status}: ${message}`);
    }
    return response;
  }
}

/** True for classic-level's error when another process holds the database. */
function isLocked(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'LEVEL_LOCKED';
}

export interface TargetOptions {
  dataDir: string;
  /** Use this server even if the data directory is free. */
  serverUrl: string | null;
  /** Where to look for the server when the data directory is locked. */
  defaultServerUrl: string;
  adminToken: () => Promise<string | null>;
  /** Commands that must not run beside a live server (restore). */
  localOnly?: boolean;
  /** Commands that write may create the data directory; the others refuse a missing one. */
  create?: boolean;
  /** What the store reports while it opens the data directory (a damaged append journal tail). */
  logger?: Logger;
}

export async function openTarget(options: TargetOptions): Promise<Target> {
  if (options.serverUrl !== null) {
    if (options.localOnly) throw new CliError('this command works on the data directory only (no --server)');
    return new RemoteTarget(options.serverUrl, await options.adminToken());
  }
  try {
    if (options.create) await mkdir(options.dataDir, { recursive: true });
    else if (!existsSync(options.dataDir)) {
      throw new CliError(`no data directory at ${options.dataDir} (set --data-dir or DATA_DIR, or --server)`);
    }
    const store = await LevelDocStore.open(options.dataDir, { logger: options.logger ?? silentLogger });
    return new LocalTarget(store, `the data directory ${options.dataDir}`);
  } catch (error) {
    if (!isLocked(error)) throw error;
    if (options.localOnly) {
      throw new CliError(
        `a running server holds ${options.dataDir}: stop it first (restore replaces what is stored, ` +
          'and connected clients would send their copies straight back)',
      );
    }
    // The server records where it listens, so it is found whatever port it was started on.
    const record = await readServerRecord(options.dataDir);
    return new RemoteTarget(record?.url ?? options.defaultServerUrl, await options.adminToken());
  }
}

export { parseBackup };
