import type Redis from 'ioredis';
import type { Logger } from '../core/ports';
import type { Compaction } from './compaction';
import { COMPACTION_GROUP, COMPACTION_QUEUE_KEY } from './keys';

export interface CompactorOptions {
  /** Dedicated connection: XREADGROUP blocks it. */
  redis: Redis;
  compaction: Compaction;
  /** This worker's consumer name in the group. */
  consumer: string;
  logger: Logger;
  /** A request another worker took but has not acknowledged for this long is taken over. */
  claimIdleMs?: number;
}

const READ_BLOCK_MS = 2_000;
const READ_BATCH = 10;
const RETRY_MAX_MS = 2_000;

/**
 * The compaction worker role: takes compaction requests from the queue stream through a Redis
 * consumer group (each request goes to one worker), compacts, acknowledges. Requests of a worker
 * that died unacknowledged are claimed by another after `claimIdleMs`. Two workers on one room at
 * once are harmless: the PostgreSQL advisory lock lets one through and the other skips.
 */
export class Compactor {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private readonly claimIdleMs: number;
  /** Rooms compacted by this worker (metrics and tests). */
  compacted = 0;

  constructor(private readonly options: CompactorOptions) {
    this.claimIdleMs = options.claimIdleMs ?? 60_000;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Ends the blocked XREADGROUP; the loop sees `stopped` and returns.
    this.options.redis.disconnect();
    await this.loop;
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.options.redis.xgroup('CREATE', COMPACTION_QUEUE_KEY, COMPACTION_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  private async run(): Promise<void> {
    const { redis, consumer, logger } = this.options;
    let retryMs = 100;
    let groupReady = false;
    let lastClaim = 0;
    while (!this.stopped) {
      try {
        if (!groupReady) {
          await this.ensureGroup();
          groupReady = true;
        }
        if (Date.now() - lastClaim > this.claimIdleMs / 2) {
          lastClaim = Date.now();
          const [, claimed] = (await redis.xautoclaim(
            COMPACTION_QUEUE_KEY,
            COMPACTION_GROUP,
            consumer,
            this.claimIdleMs,
            '0-0',
            'COUNT',
            READ_BATCH,
          )) as [string, Array<[string, string[]]>];
          await this.handle(claimed);
        }
        const result = (await redis.xreadgroup(
          'GROUP',
          COMPACTION_GROUP,
          consumer,
          'COUNT',
          READ_BATCH,
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          COMPACTION_QUEUE_KEY,
          '>',
        )) as Array<[string, Array<[string, string[]]>]> | null;
        retryMs = 100;
        if (result) await this.handle(result[0]?.[1] ?? []);
      } catch (error) {
        if (this.stopped) break;
        // A lost group (Redis restarted without it) is re-created on the next round.
        if (String((error as Error).message).includes('NOGROUP')) groupReady = false;
        logger.warn({ err: error, retryInMs: retryMs }, 'compaction worker: queue read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, retryMs));
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      }
    }
  }

  private async handle(requests: Array<[string, string[]]>): Promise<void> {
    const { redis, compaction, logger } = this.options;
    // One compaction per room per batch, however many instances asked.
    const rooms = new Set<string>();
    for (const [, fields] of requests) {
      const index = fields.indexOf('room');
      if (index >= 0 && fields[index + 1]) rooms.add(fields[index + 1]!);
    }
    for (const room of rooms) {
      if (this.stopped) return;
      try {
        const result = await compaction.compact(room);
        if (result.status === 'compacted') {
          this.compacted++;
          logger.debug({ room, ...result }, 'compacted');
        }
      } catch (error) {
        // Unacknowledged: retried by this worker or claimed by another after claimIdleMs.
        logger.warn({ room, err: error }, 'compaction failed');
        return;
      }
    }
    const ids = requests.map(([id]) => id);
    if (ids.length > 0) await redis.xack(COMPACTION_QUEUE_KEY, COMPACTION_GROUP, ...ids);
  }
}
