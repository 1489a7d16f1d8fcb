import type Redis from 'ioredis';
import type { DocFeed, FeedHandlers } from '../core/doc-feed';
import type { StoredDoc } from '../core/doc-store';
import type { Logger } from '../core/ports';
import {
  awarenessChannel,
  compareStreamIds,
  DOC_STREAM_PREFIX,
  docStreamKey,
  parseStreamId,
  READER_REPORT_MS,
  READER_STALE_MS,
  readersKey,
} from './keys';
import { decodeEntry, type RawEntry } from './redis-entries';

export interface RedisFeedOptions {
  /** Commands connection: publishes awareness and unblocks the reader. */
  redis: Redis;
  /** Dedicated connection for the blocking XREAD loop. */
  reader: Redis;
  /** Dedicated connection in subscriber mode (awareness channels). */
  subscriber: Redis;
  instanceId: string;
  logger: Logger;
  /**
   * After the reader reconnects: the room's whole stored document when a compaction trimmed entries
   * after `cursor` (which XREAD would then silently skip), else null. See `resyncAfterReconnect`.
   */
  catchUp?(room: string, cursor: string): Promise<StoredDoc | null>;
}

interface Subscription {
  /** Last stream entry this subscriber has (its room's loaded state or a delivered entry). */
  cursor: string;
  handlers: FeedHandlers;
}

/** How long one XREAD blocks; the loop also wakes when the set of rooms changes. */
const READ_BLOCK_MS = 2_000;
const READ_BATCH = 1_000;
const RETRY_MAX_MS = 1_000;

/** Awareness message kinds on a room's channel. */
const AWARENESS_UPDATE = 0x61; // 'a': an encoded awareness update
const AWARENESS_QUERY = 0x71; // 'q': an instance opened the room and asks for the others' states
/** Not presence, but it needs to reach the same instances (those with the room open): 'd', deleted. */
const ROOM_DELETED = 0x64;

/**
 * Delivers other instances' changes to this instance's rooms: one blocking XREAD over the streams of
 * every open room (re-issued when rooms open or close), and a pub/sub channel per room for awareness,
 * which is ephemeral and never stored.
 */
export class RedisFeed implements DocFeed {
  private readonly rooms = new Map<string, Set<Subscription>>();
  private stopped = false;
  private reading = false;
  private readerId: number | null = null;
  private wakeIdle: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  /** Set when the reader reconnected: rooms are checked for a trimmed gap before reading on. */
  private resyncPending = false;
  private reportTimer: ReturnType<typeof setInterval> | null = null;
  private everReady = false;

  constructor(private readonly options: RedisFeedOptions) {
    const { reader, subscriber } = options;
    // CLIENT UNBLOCK needs the reader's connection id, which changes on every reconnect.
    const fetchReaderId = () => {
      this.readerId = null;
      reader
        .client('ID')
        .then((id) => {
          this.readerId = Number(id);
        })
        .catch(() => {});
    };
    reader.on('ready', () => {
      if (this.everReady) this.resyncPending = true;
      this.everReady = true;
      fetchReaderId();
    });
    if (reader.status === 'ready') {
      this.everReady = true;
      fetchReaderId();
    }
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) =>
      this.handleMessage(channel, message),
    );
  }

  start(): void {
    this.loop ??= this.readLoop();
    this.reportTimer ??= setInterval(() => this.reportCursors(), READER_REPORT_MS);
    this.reportTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reportTimer) clearInterval(this.reportTimer);
    this.reportTimer = null;
    this.wake();
    await this.loop;
  }

  subscribe(room: string, cursor: string | undefined, handlers: FeedHandlers): () => void {
    const subscription: Subscription = { cursor: cursor ?? '0-0', handlers };
    let group = this.rooms.get(room);
    if (!group) {
      group = new Set();
      this.rooms.set(room, group);
      this.options.subscriber.subscribe(awarenessChannel(room)).then(
        // Asked once subscribed, so the answers are heard.
        () => this.publish(room, AWARENESS_QUERY, new Uint8Array(0)),
        (error: unknown) => this.options.logger.warn({ room, err: error }, 'awareness subscribe failed'),
      );
    }
    group.add(subscription);
    // Registered at once: a compaction from now on keeps what this room has not read.
    this.reportCursor(room);
    this.wake();
    return () => {
      const current = this.rooms.get(room);
      if (!current?.delete(subscription) || current.size > 0) return;
      this.rooms.delete(room);
      this.options.redis.hdel(readersKey(room), this.options.instanceId).catch(() => {});
      this.options.subscriber.unsubscribe(awarenessChannel(room)).catch(() => {});
      this.wake();
    };
  }

  publishAwareness(room: string, update: Uint8Array): void {
    this.publish(room, AWARENESS_UPDATE, update);
  }

  publishDeleted(room: string): void {
    this.publish(room, ROOM_DELETED, new Uint8Array(0));
  }

  private publish(room: string, kind: number, payload: Uint8Array): void {
    const id = Buffer.from(this.options.instanceId);
    const message = Buffer.concat([Buffer.from([kind, id.length]), id, payload]);
    this.options.redis.publish(awarenessChannel(room), message).catch((error: unknown) => {
      // Presence is best effort: clients re-announce every 15 s.
      this.options.logger.debug({ room, err: error }, 'awareness publish failed');
    });
  }

  private handleMessage(channel: Buffer, message: Buffer): void {
    const room = channel.toString().slice('trellis:aw:'.length);
    const group = this.rooms.get(room);
    if (!group || message.length < 2) return;
    const kind = message[0];
    const idLength = message[1]!;
    if (message.subarray(2, 2 + idLength).toString() === this.options.instanceId) return;
    const payload = new Uint8Array(message.subarray(2 + idLength));
    try {
      for (const { handlers } of group) {
        if (kind === AWARENESS_UPDATE) handlers.handleRemoteAwareness(payload);
        else if (kind === ROOM_DELETED) handlers.handleRemoteDeleted?.();
        else if (kind === AWARENESS_QUERY) {
          const states = handlers.localAwareness();
          if (states !== null) this.publish(room, AWARENESS_UPDATE, states);
        }
      }
    } catch (error) {
      this.options.logger.warn({ room, err: error }, 'bad awareness message from another instance');
    }
  }

  /**
   * How far behind this instance's read loop is: the age, by Redis's clock (no skew between hosts),
   * of the oldest stream entry of an open room that it has not applied yet; 0 when it has applied
   * every entry. One pipelined round trip reading at most one entry per open room.
   */
  async lagSeconds(): Promise<number> {
    const rooms = [...this.rooms.keys()];
    const pipeline = this.options.redis.pipeline().time();
    for (const room of rooms) {
      const cursor = this.minCursor(room);
      pipeline.xrangeBuffer(docStreamKey(room), cursor === '0-0' ? '-' : `(${cursor}`, '+', 'COUNT', 1);
    }
    const replies = (await pipeline.exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
    const [seconds, micros] = replies[0]![1] as [string, string];
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    let oldestMs = nowMs;
    for (const [, entries] of replies.slice(1)) {
      const first = (entries as RawEntry[])[0];
      if (first) oldestMs = Math.min(oldestMs, Number(parseStreamId(first[0].toString())[0]));
    }
    return Math.max(0, nowMs - oldestMs) / 1000;
  }

  /** Tells compaction how far this instance has read each open room (see `readersKey`): one round trip. */
  private reportCursors(): void {
    if (this.rooms.size > 0) this.sendCursors([...this.rooms.keys()]);
  }

  private reportCursor(room: string): void {
    this.sendCursors([room]);
  }

  private sendCursors(rooms: string[]): void {
    const transaction = this.options.redis.multi();
    const now = Date.now();
    for (const room of rooms) {
      const key = readersKey(room);
      transaction.hset(key, this.options.instanceId, `${this.minCursor(room)} ${now}`);
      transaction.pexpire(key, READER_STALE_MS * 2);
    }
    transaction.exec().catch(() => {
      // Redis is away; the next report (or the catch-up after reconnecting) covers it.
    });
  }

  /** Makes the read loop re-issue its XREAD with the current set of rooms. */
  private wake(): void {
    if (this.wakeIdle) {
      const resolve = this.wakeIdle;
      this.wakeIdle = null;
      resolve();
    } else if (this.reading && this.readerId !== null) {
      this.options.redis.client('UNBLOCK', this.readerId).catch(() => {});
    }
  }

  private async readLoop(): Promise<void> {
    let retryMs = 50;
    while (!this.stopped) {
      if (this.rooms.size === 0) {
        await new Promise<void>((resolve) => {
          this.wakeIdle = resolve;
        });
        continue;
      }
      if (this.resyncPending) {
        this.resyncPending = false;
        await this.resyncAfterReconnect();
      }
      const rooms = [...this.rooms.keys()];
      const cursors = rooms.map((room) => this.minCursor(room));
      let result: Array<[Buffer, RawEntry[]]> | null;
      this.reading = true;
      try {
        result = (await this.options.reader.xreadBuffer(
          'COUNT',
          READ_BATCH,
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          ...rooms.map(docStreamKey),
          ...cursors,
        )) as Array<[Buffer, RawEntry[]]> | null;
        retryMs = 50;
      } catch (error) {
        if (this.stopped) break;
        this.options.logger.warn({ err: error, retryInMs: retryMs }, 'stream read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, retryMs));
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        continue;
      } finally {
        this.reading = false;
      }
      if (result) this.deliver(result);
    }
  }

  /**
   * While the reader was away (Redis restarted, a network cut), a compaction may have trimmed
   * entries this instance had not read yet: trimming only waits `trimGraceMs`. Such a room catches
   * up from its snapshot; applying what it already has is a no-op, so only the gap is broadcast.
   */
  private async resyncAfterReconnect(): Promise<void> {
    const { catchUp, logger } = this.options;
    if (!catchUp) return;
    for (const [room, group] of [...this.rooms]) {
      try {
        const stored = await catchUp(room, this.minCursor(room));
        if (stored === null || stored.cursor === undefined) continue;
        logger.warn(
          { room },
          'stream entries were trimmed while the reader was away: caught up from the snapshot',
        );
        for (const subscription of group) {
          if (compareStreamIds(stored.cursor, subscription.cursor) <= 0) continue;
          subscription.cursor = stored.cursor;
          subscription.handlers.handleRemoteUpdates(stored.updates);
        }
      } catch (error) {
        // Checked again at the next reconnect; until then the room reads on from its cursor.
        logger.warn({ room, err: error }, 'catching up after a reconnect failed');
      }
    }
  }

  private minCursor(room: string): string {
    let min: string | null = null;
    for (const { cursor } of this.rooms.get(room) ?? []) {
      if (min === null || compareStreamIds(cursor, min) < 0) min = cursor;
    }
    return min ?? '0-0';
  }

  private deliver(result: Array<[Buffer, RawEntry[]]>): void {
    for (const [key, rawEntries] of result) {
      const room = key.toString().slice(DOC_STREAM_PREFIX.length);
      const group = this.rooms.get(room);
      if (!group || rawEntries.length === 0) continue;
      const entries = rawEntries.map(decodeEntry);
      for (const subscription of group) {
        const updates: Uint8Array[] = [];
        for (const entry of entries) {
          if (entry === null || compareStreamIds(entry.id, subscription.cursor) <= 0) continue;
          subscription.cursor = entry.id;
          // This instance applied and broadcast its own entries before appending them.
          if (entry.instance !== this.options.instanceId) updates.push(entry.update);
        }
        const last = rawEntries.at(-1)![0].toString();
        if (compareStreamIds(last, subscription.cursor) > 0) subscription.cursor = last;
        if (updates.length === 0) continue;
        try {
          subscription.handlers.handleRemoteUpdates(updates);
        } catch (error) {
          this.options.logger.error({ room, err: error }, 'applying another instance’s update failed');
        }
      }
    }
  }
}
