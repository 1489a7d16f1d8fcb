/**
 * Scaled out, a room's history (S13) is the `trellis_history` rows the compaction moved there, in
 * the transaction that commits the snapshot covering them (compaction.ts), followed by the stream
 * entries no snapshot covers yet. Those can be read but not merged until a compaction moves them.
 */
import type Redis from 'ioredis';
import type { Pool, PoolClient } from 'pg';
import type { HistoryEntry, HistoryLog, HistoryMerge, HistorySegment } from '../core/doc-store';
import { docStreamKey, STREAM_START } from './keys';
import type { DocEntry } from './redis-entries';
import { readEntriesAfter } from './redis-entries';
import { readCovers, waitForCompactionLock } from './snapshots';

/** A read retries when a compaction moved the snapshot between its PostgreSQL and Redis reads. */
const READ_ATTEMPTS = 5;
const ROW = 'p:';
const STREAM = 's:';
const SEED = 'seed';

interface Rows {
  rows: HistoryEntry[];
  /** The newest time in the history, whatever `upTo` was: where stream entries' times start. */
  last: number;
  /** The entry the snapshot covers (STREAM_START without one). */
  covers: string;
  coversRow: string | null;
}

/** The newest time in the room's history rows, or null for a room without any. */
export async function lastHistoryTime(client: PoolClient, room: string): Promise<number | null> {
  const { rows } = await client.query<{ last: string | null }>(
    'SELECT max(time) AS last FROM trellis_history WHERE room = $1',
    [room],
  );
  return rows[0]?.last == null ? null : Number(rows[0].last);
}

/** Appends segments to the room's history (inside the compaction's transaction). */
export async function insertHistory(
  client: PoolClient,
  room: string,
  segments: ReadonlyArray<{ time: number; update: Uint8Array }>,
): Promise<void> {
  if (segments.length === 0) return;
  await client.query(
    `INSERT INTO trellis_history (room, time, update)
     SELECT $1, t, u FROM unnest($2::bigint[], $3::bytea[]) WITH ORDINALITY AS s(t, u, n) ORDER BY n`,
    [
      room,
      segments.map((s) => s.time),
      segments.map((s) => Buffer.from(s.update.buffer, s.update.byteOffset, s.update.byteLength)),
    ],
  );
}

/**
 * Times of stream entries as the history stamps them: never before the one before (instances'
 * clocks differ; the stream's order is the order they were stored in).
 */
export function stampEntries(entries: readonly DocEntry[], after: number): number[] {
  let last = after;
  return entries.map((entry) => {
    last = Math.max(entry.time, last);
    return last;
  });
}

export class RedisHistory implements HistoryLog {
  constructor(
    private readonly redis: Redis,
    private readonly pool: Pool,
  ) {}

  async segments(room: string): Promise<HistorySegment[]> {
    return (await this.readAll(room, Number.POSITIVE_INFINITY, false)).map(
      ({ update: _u, ...segment }) => segment,
    );
  }

  read(room: string, upTo: number): Promise<HistoryEntry[]> {
    return this.readAll(room, upTo, true);
  }

  /** Only rows can merge: the rooms that have some (reading every stream, as `list()` does, is not needed). */
  async rooms(): Promise<string[]> {
    const { rows } = await this.pool.query<{ room: string }>('SELECT DISTINCT room FROM trellis_history');
    return rows.map((row) => row.room);
  }

  /** Under the room's compaction lock, so no compaction or delete runs in between (S3.3). */
  async merge(room: string, merges: readonly HistoryMerge[]): Promise<boolean> {
    const ids = merges.map((merge) => merge.ids.map(rowId));
    if (ids.some((run) => run.some((id) => id === null))) return false;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await waitForCompactionLock(client, room);
      for (const [i, merge] of merges.entries()) {
        const run = ids[i] as string[];
        const { rowCount } = await client.query(
          'DELETE FROM trellis_history WHERE room = $1 AND id = ANY($2::bigint[])',
          [room, run],
        );
        if (rowCount !== run.length) {
          await client.query('ROLLBACK');
          return false;
        }
        await insertHistory(client, room, [merge]);
      }
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  private async readAll(room: string, upTo: number, withContent: boolean): Promise<HistoryEntry[]> {
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const { rows, last, covers, coversRow } = await this.readRows(room, upTo, withContent);
      const entries = await readEntriesAfter(this.redis, docStreamKey(room), covers);
      // A compaction that committed between the reads moved entries we read from neither place.
      if ((await readCovers(this.pool, room)) !== coversRow) continue;
      const times = stampEntries(entries, last);
      const pending: HistoryEntry[] = [];
      for (const [i, entry] of entries.entries()) {
        if (times[i]! > upTo) break;
        pending.push({
          id: `${STREAM}${entry.id}`,
          time: times[i]!,
          bytes: entry.update.byteLength,
          mergeable: false,
          update: entry.update,
        });
      }
      return [...rows, ...pending];
    }
    throw new Error(
      `reading the history of ${room}: the snapshot kept moving during ${READ_ATTEMPTS} attempts`,
    );
  }

  /** The rows and the snapshot's position, from one PostgreSQL snapshot. */
  private async readRows(room: string, upTo: number, withContent: boolean): Promise<Rows> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const snapshot = await client.query<{
        covers: string;
        history: boolean;
        updated_at: Date;
        bytes: number;
        state: Buffer | null;
      }>(
        `SELECT covers, history, updated_at, octet_length(state) AS bytes, ${withContent ? 'state' : 'NULL AS state'}
         FROM trellis_snapshots WHERE room = $1`,
        [room],
      );
      const newest = await client.query<{ last: string | null }>(
        'SELECT max(time) AS last FROM trellis_history WHERE room = $1',
        [room],
      );
      const limit = Number.isFinite(upTo) ? Math.floor(upTo) : Number.MAX_SAFE_INTEGER;
      const { rows } = await client.query<{ id: string; time: string; bytes: number; update: Buffer | null }>(
        `SELECT id, time, octet_length(update) AS bytes, ${withContent ? 'update' : 'NULL AS update'}
         FROM trellis_history WHERE room = $1 AND time <= $2 ORDER BY time, id`,
        [room, limit],
      );
      await client.query('COMMIT');
      let last = Number(newest.rows[0]?.last ?? 0);
      const entries: HistoryEntry[] = rows.map((row) => ({
        id: `${ROW}${row.id}`,
        time: Number(row.time),
        bytes: Number(row.bytes),
        mergeable: true,
        update: row.update ? new Uint8Array(row.update) : new Uint8Array(),
      }));
      const found = snapshot.rows[0];
      // A snapshot written without history (before it was kept, or while it was off) holds what
      // the rows lack: its state is the next segment, until a compaction moves it there for good.
      if (found && !found.history) {
        last = Math.max(found.updated_at.getTime(), last);
        if (last <= upTo) {
          entries.push({
            id: SEED,
            time: last,
            bytes: Number(found.bytes),
            mergeable: false,
            update: found.state ? new Uint8Array(found.state) : new Uint8Array(),
          });
        }
      }
      return { rows: entries, last, covers: found?.covers ?? STREAM_START, coversRow: found?.covers ?? null };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}

function rowId(id: string): string | null {
  return id.startsWith(ROW) && /^\d+$/.test(id.slice(ROW.length)) ? id.slice(ROW.length) : null;
}
