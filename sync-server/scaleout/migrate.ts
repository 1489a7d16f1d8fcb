/**
 * Moves every document between a LevelDB data dir (single node) and Redis + PostgreSQL (scale-out),
 * in either direction, losslessly: the target's existing content is merged, never overwritten, and
 * each document is checked after the copy (the target must hold every item and deletion of the source).
 *
 *   trellis-server migrate to-scaleout --data-dir ./data --redis-url … --database-url …
 *   trellis-server migrate to-level    --data-dir ./data --redis-url … --database-url …
 *
 * (the command is in cli/commands.ts). `to-level` needs the LevelDB directory
 * free (no single-node server running on it); `to-scaleout` may run beside live scale-out instances:
 * it appends each document to its stream, so instances that have it open receive it too.
 */
import { existsSync } from 'node:fs';
import Redis from 'ioredis';
import pg from 'pg';
import * as Y from 'yjs';
import type { DocStore } from '../core/doc-store';
import type { Logger } from '../core/ports';
import { LevelDocStore } from '../storage/level-doc-store';
import { Compaction } from './compaction';
import { docStreamKey, ENTRY_INSTANCE_FIELD, ENTRY_UPDATE_FIELD } from './keys';
import { RedisDocStore } from './redis-doc-store';
import { ensureSchema } from './snapshots';

export type MigrationDirection = 'to-scaleout' | 'to-level';

export interface MigrationOptions {
  direction: MigrationDirection;
  dataDir: string;
  redisUrl: string;
  databaseUrl: string;
  /** Progress lines (one per document). */
  log?: (line: string) => void;
  /** What the LevelDB store reports while it opens (a damaged append journal tail). */
  storeLogger?: Logger;
}

export interface MigrationReport {
  rooms: number;
  bytes: number;
}

const MIGRATION_INSTANCE = 'migration';

/** The whole stored document as one update (every stored update applied to a fresh doc). */
async function stateOf(store: DocStore, room: string): Promise<Uint8Array> {
  const { updates } = await store.load(room);
  const doc = new Y.Doc();
  Y.transact(doc, () => {
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

/**
 * True when the target holds every item and every deletion of the source: applying the source to
 * it changes nothing (Yjs emits 'update' only for new items or new deletions).
 */
export function containsState(target: Uint8Array, source: Uint8Array): boolean {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, target);
  let changed = false;
  doc.on('update', () => {
    changed = true;
  });
  Y.applyUpdate(doc, source);
  doc.destroy();
  return !changed;
}

/** Refused before anything is connected or written; the message is meant for the operator. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * A data directory given by mistake (a typo) is refused rather than created: an empty source would
 * report "migrated 0 documents", an unintended target would receive the documents.
 */
function checkDataDir({ dataDir, direction }: MigrationOptions): void {
  if (!existsSync(dataDir)) {
    throw new MigrationError(
      `no data directory at ${dataDir} (set --data-dir or DATA_DIR${direction === 'to-level' ? '; to migrate into a new one, create it first' : ''})`,
    );
  }
  if (direction === 'to-scaleout' && !LevelDocStore.holdsStore(dataDir)) {
    throw new MigrationError(`${dataDir} holds no Trellis data (no LevelDB store there): nothing to migrate`);
  }
}

/** Host and port of a service URL, never its password. */
function addressOf(url: string): string {
  try {
    const { host, pathname } = new URL(url);
    return host || pathname;
  } catch {
    return 'the URL given';
  }
}

/** Why a connection failed, in words (Node reports an unreachable address by its errno code). */
function reasonOf(error: unknown): string {
  // Several addresses tried (e.g. localhost as ::1 and 127.0.0.1): the first says enough.
  const first = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  const code = (first as { code?: unknown } | null)?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'unknown host',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    ECONNRESET: 'connection reset',
  };
  if (typeof code === 'string' && known[code]) return known[code];
  return (first instanceof Error ? first.message : String(first)).split('\n')[0] || 'failed';
}

/** Both services are tried at once, and every one that cannot be reached is named. */
async function connectServices(redis: Redis, pool: pg.Pool, options: MigrationOptions): Promise<void> {
  let redisError: unknown = null;
  redis.on('error', (error) => {
    redisError = error;
  });
  const [redisResult, pgResult] = await Promise.allSettled([redis.connect(), ensureSchema(pool)]);
  const problems: string[] = [];
  if (redisResult.status === 'rejected') {
    // connect() rejects with "Connection is closed."; the reason came as an 'error' event.
    problems.push(
      `cannot reach Redis at ${addressOf(options.redisUrl)}: ${reasonOf(redisError ?? redisResult.reason)}`,
    );
  }
  if (pgResult.status === 'rejected') {
    problems.push(
      `cannot reach PostgreSQL at ${addressOf(options.databaseUrl)}: ${reasonOf(pgResult.reason)}`,
    );
  }
  if (problems.length > 0) throw new MigrationError(`${problems.join('; ')}; nothing migrated`);
}

async function openLevel(dataDir: string, logger: Logger | undefined): Promise<LevelDocStore> {
  try {
    return await LevelDocStore.open(dataDir, logger ? { logger } : {});
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') {
      throw new MigrationError(
        `the data directory ${dataDir} is in use by another process (a running server? stop it first)`,
      );
    }
    throw error;
  }
}

export async function migrate(options: MigrationOptions): Promise<MigrationReport> {
  const log = options.log ?? (() => {});
  checkDataDir(options);
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  // An idle client that loses its connection emits on the pool; unhandled, it would end the process.
  pool.on('error', () => {});
  let level: LevelDocStore | null = null;
  try {
    // The data directory first: it is local, and a server holding it is the likelier mistake.
    level = await openLevel(options.dataDir, options.storeLogger);
    await connectServices(redis, pool, options);
    const compaction = new Compaction({ redis, pool, trimGraceMs: 60_000 });
    const scaleout = new RedisDocStore({
      redis,
      pool,
      compaction,
      instanceId: MIGRATION_INSTANCE,
      replaceMode: 'inline',
    });
    const [source, target] = options.direction === 'to-scaleout' ? [level, scaleout] : [scaleout, level];
    const rooms = (await source.list()).map((summary) => summary.room).sort();
    let bytes = 0;
    for (const room of rooms) {
      const state = await stateOf(source, room);
      if (options.direction === 'to-scaleout') {
        // Appended to the stream (live instances pick it up), then folded into the snapshot.
        await redis.xadd(
          docStreamKey(room),
          '*',
          ENTRY_UPDATE_FIELD,
          Buffer.from(state),
          ENTRY_INSTANCE_FIELD,
          MIGRATION_INSTANCE,
        );
        await scaleout.replace(room, state);
      } else {
        // Appended, so the room's history records the migrated content as a change (S13.1), then
        // compacted into one entry.
        await level.append(room, state);
        await level.replace(room, await stateOf(level, room));
      }
      if (!containsState(await stateOf(target, room), state)) {
        throw new Error(`migration check failed for ${room}: the target does not hold the whole document`);
      }
      bytes += state.byteLength;
      log(`${room}: ${state.byteLength} bytes`);
    }
    return { rooms: rooms.length, bytes };
  } finally {
    await level?.close();
    redis.disconnect();
    await pool.end();
  }
}
