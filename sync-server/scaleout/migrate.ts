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
import Redis from 'ioredis';
import pg from 'pg';
import * as Y from 'yjs';
import type { DocStore } from '../core/doc-store';
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

export async function migrate(options: MigrationOptions): Promise<MigrationReport> {
  const log = options.log ?? (() => {});
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => {});
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  let level: LevelDocStore | null = null;
  try {
    await redis.connect();
    await ensureSchema(pool);
    level = await LevelDocStore.open(options.dataDir);
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
        const existing = await stateOf(level, room);
        await level.replace(room, Y.mergeUpdates([existing, state]));
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
