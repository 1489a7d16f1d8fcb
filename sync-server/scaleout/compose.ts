import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import pg from 'pg';
import type { Registry } from 'prom-client';
import type { StoredDoc } from '../core/doc-store';
import type { Logger } from '../core/ports';
import { Compaction } from './compaction';
import { Compactor } from './compactor';
import { compareStreamIds } from './keys';
import { registerScaleOutMetrics } from './metrics';
import { PostgresHealth } from './pg-health';
import { RedisDocStore } from './redis-doc-store';
import { RedisFeed } from './redis-feed';
import { PgRevocationStore } from './revocations';
import { ensureSchema, readCovers } from './snapshots';

export const ScaleOutRole = { sync: 'sync', compactor: 'compactor', both: 'both' } as const;
export type ScaleOutRole = (typeof ScaleOutRole)[keyof typeof ScaleOutRole];

export interface ScaleOutOptions {
  redisUrl: string;
  databaseUrl: string;
  role: ScaleOutRole;
  logger: Logger;
  /** See `CompactionOptions.trimGraceMs`. */
  trimGraceMs?: number;
  instanceId?: string;
  /** The server's clock, which stamps history segments (S13.1). */
  now?: () => number;
  /** Keep every document's history in PostgreSQL (S13); default true. */
  history?: boolean;
}

export interface ScaleOut {
  instanceId: string;
  role: ScaleOutRole;
  store: RedisDocStore;
  feed: RedisFeed;
  compaction: Compaction;
  compactor: Compactor | null;
  /** Revoked share links, shared by every instance (S12.3). */
  revocationStore: PgRevocationStore;
  /**
   * Redis (the durable log: writes) and PostgreSQL (the snapshots: opening a document) are both
   * reachable, so this instance can serve a new client.
   */
  healthy(): boolean;
  /** What is unreachable now, named for an operator: `redis`, `postgresql`; empty when healthy. */
  unavailable(): string[];
  /**
   * Called whenever Redis becomes unreachable (no write can be stored); returns the unsubscribe.
   * Not for PostgreSQL: documents already open keep working from the Redis log.
   */
  onRedisLost(listener: () => void): () => void;
  /** Adds the scale-out figures to the instance's metrics registry. */
  registerMetrics(registry: Registry): void;
  /** Stops the read loop and the worker, then closes every connection. */
  close(): Promise<void>;
}

export const DEFAULT_TRIM_GRACE_MS = 60_000;

/**
 * The feed's catch-up after a reconnect: the whole stored document when the snapshot covers more
 * than the room's cursor (entries it had not read may be trimmed), else null (XREAD is complete).
 */
export function snapshotCatchUp(
  pool: pg.Pool,
  store: RedisDocStore,
): (room: string, cursor: string) => Promise<StoredDoc | null> {
  return async (room, cursor) => {
    const covers = await readCovers(pool, room);
    if (covers === null || compareStreamIds(covers, cursor) <= 0) return null;
    return store.load(room);
  };
}

/**
 * The scale-out mode's storage side: a Redis commands connection (appends, loads, awareness), a
 * blocking reader (the feed), a subscriber (awareness), a worker connection (compactor role) and a
 * PostgreSQL pool (snapshots). Commands fail fast while Redis is down (no offline queue): the write
 * pipeline keeps the updates in memory and retries, and the server refuses clients meanwhile.
 */
export async function openScaleOut(options: ScaleOutOptions): Promise<ScaleOut> {
  const { logger, role } = options;
  const instanceId = options.instanceId ?? randomUUID();
  const connect = (name: string, offlineQueue: boolean) => {
    const client = new Redis(options.redisUrl, {
      connectionName: `trellis-${name}-${instanceId.slice(0, 8)}`,
      enableOfflineQueue: offlineQueue,
      maxRetriesPerRequest: offlineQueue ? null : 1,
      retryStrategy: (attempt) => Math.min(50 * attempt, 1_000),
      lazyConnect: true,
    });
    client.on('error', (error: Error) =>
      logger.debug({ redis: name, err: error.message }, 'redis connection error'),
    );
    return client;
  };
  const redis = connect('cmd', false);
  const reader = connect('reader', false);
  // Subscriber mode re-subscribes after a reconnect, which needs the offline queue.
  const subscriber = connect('sub', true);
  const worker = role === ScaleOutRole.sync ? null : connect('worker', false);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 8 });
  const postgresHealth = new PostgresHealth({ databaseUrl: options.databaseUrl, logger });
  pool.on('error', (error: Error) => {
    logger.warn({ err: error.message }, 'postgres idle client error');
    // Idle clients die together when PostgreSQL stops: readiness need not wait for the next probe.
    postgresHealth.probeSoon();
  });

  const clients = [redis, reader, subscriber, ...(worker ? [worker] : [])];
  try {
    await Promise.all(clients.map((client) => client.connect()));
    await ensureSchema(pool);
    await warnAboutUnsafeRedis(redis, logger);
  } catch (error) {
    for (const client of clients) client.disconnect();
    await pool.end().catch(() => {});
    throw error;
  }

  const compaction = new Compaction({
    redis,
    pool,
    trimGraceMs: options.trimGraceMs ?? DEFAULT_TRIM_GRACE_MS,
    history: options.history ?? true,
    ...(options.now ? { stamp: options.now } : {}),
  });
  const store = new RedisDocStore({
    redis,
    pool,
    compaction,
    instanceId,
    replaceMode: 'queue',
    history: options.history ?? true,
    ...(options.now ? { now: options.now } : {}),
  });
  const feed = new RedisFeed({
    redis,
    reader,
    subscriber,
    instanceId,
    logger,
    catchUp: snapshotCatchUp(pool, store),
  });
  feed.start();
  const compactor = worker
    ? new Compactor({ redis: worker, compaction, consumer: instanceId, logger })
    : null;
  compactor?.start();
  postgresHealth.start();

  const redisLostListeners = new Set<() => void>();
  let wasHealthy = true;
  const checkRedis = () => {
    const healthy = redis.status === 'ready';
    if (wasHealthy && !healthy) {
      logger.error({}, 'redis unreachable: refusing clients until it is back');
      for (const listener of redisLostListeners) listener();
    } else if (!wasHealthy && healthy) {
      logger.info({}, 'redis reachable again');
    }
    wasHealthy = healthy;
  };
  redis.on('close', checkRedis);
  redis.on('ready', checkRedis);

  let closing: Promise<void> | null = null;
  return {
    instanceId,
    role,
    store,
    feed,
    compaction,
    compactor,
    revocationStore: new PgRevocationStore(pool),
    healthy: () => redis.status === 'ready' && postgresHealth.healthy(),
    unavailable: () => [
      ...(redis.status === 'ready' ? [] : ['redis']),
      ...(postgresHealth.healthy() ? [] : ['postgresql']),
    ],
    onRedisLost(listener) {
      redisLostListeners.add(listener);
      return () => redisLostListeners.delete(listener);
    },
    registerMetrics(registry) {
      registerScaleOutMetrics(registry, {
        feed,
        compaction,
        redisHealthy: () => redis.status === 'ready',
        postgresHealthy: () => postgresHealth.healthy(),
      });
    },
    close() {
      closing ??= (async () => {
        redis.off('close', checkRedis);
        await postgresHealth.stop();
        await compactor?.stop();
        await feed.stop();
        await Promise.all(
          [redis, reader, subscriber].map((client) => client.quit().catch(() => client.disconnect())),
        );
        await pool.end();
      })();
      return closing;
    },
  };
}

/**
 * The stream is the only copy of recent updates: Redis must persist it (append-only file) and never
 * evict it. Managed Redis often disables CONFIG; then nothing can be checked and nothing is said.
 */
async function warnAboutUnsafeRedis(redis: Redis, logger: Logger): Promise<void> {
  try {
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as [string, string];
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (appendonly !== 'yes') {
      logger.warn(
        { appendonly },
        'redis runs without its append-only file: a Redis restart loses recent updates',
      );
    }
    if (policy !== 'noeviction') {
      logger.warn(
        { policy },
        'redis may evict keys (maxmemory-policy is not noeviction): update streams could be lost',
      );
    }
  } catch {
    // CONFIG not allowed: nothing to check.
  }
}
