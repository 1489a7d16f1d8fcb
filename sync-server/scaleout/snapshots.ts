import type { Pool, PoolClient } from 'pg';

/** A compacted document in PostgreSQL: the merged state and the last stream entry it contains. */
export interface Snapshot {
  state: Uint8Array;
  /** Stream entry id: every entry up to and including it is in `state`. */
  covers: string;
  updatedAt: number;
  /** Whether the history holds everything the snapshot covers (false: written without history). */
  history: boolean;
}

const SCHEMA_LOCK_KEY = 0x7472656c; // 'trel': serialises schema creation across instances

/** Creates the snapshot table if it is missing (safe when several instances start at once). */
export async function ensureSchema(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS trellis_snapshots (
        room text PRIMARY KEY,
        state bytea NOT NULL,
        covers text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Whether trellis_history holds everything the snapshot covers (S13.1); false for snapshots
    // written before the history was kept or while it was off: the history then starts from one.
    // Looked up first: ALTER TABLE locks the table against every instance's reads even when the
    // column is there already.
    const { rowCount } = await client.query(
      `SELECT 1 FROM information_schema.columns
       WHERE table_name = 'trellis_snapshots' AND column_name = 'history' AND table_schema = current_schema()`,
    );
    if (rowCount === 0) {
      await client.query(
        'ALTER TABLE trellis_snapshots ADD COLUMN IF NOT EXISTS history boolean NOT NULL DEFAULT false',
      );
    }
    // Every document's history (S13): segments of updates stamped with the time they were stored.
    await client.query(`
      CREATE TABLE IF NOT EXISTS trellis_history (
        id bigserial PRIMARY KEY,
        room text NOT NULL,
        time bigint NOT NULL,
        update bytea NOT NULL
      )`);
    await client.query(
      'CREATE INDEX IF NOT EXISTS trellis_history_room_time ON trellis_history (room, time, id)',
    );
    // Revoked share links per board (S12.3): tokens minted up to revoked_at (epoch ms) are refused.
    await client.query(`
      CREATE TABLE IF NOT EXISTS trellis_revocations (
        board text PRIMARY KEY,
        revoked_at bigint NOT NULL
      )`);
  });
}

export async function readSnapshot(db: Pool | PoolClient, room: string): Promise<Snapshot | null> {
  const { rows } = await db.query<{ state: Buffer; covers: string; updated_at: Date; history: boolean }>(
    'SELECT state, covers, updated_at, history FROM trellis_snapshots WHERE room = $1',
    [room],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    state: new Uint8Array(row.state),
    covers: row.covers,
    updatedAt: row.updated_at.getTime(),
    history: row.history,
  };
}

/** Only the covered entry id: a cheap re-check that no compaction moved the snapshot. */
export async function readCovers(db: Pool | PoolClient, room: string): Promise<string | null> {
  const { rows } = await db.query<{ covers: string }>(
    'SELECT covers FROM trellis_snapshots WHERE room = $1',
    [room],
  );
  return rows[0]?.covers ?? null;
}

export async function writeSnapshot(
  db: Pool | PoolClient,
  room: string,
  state: Uint8Array,
  covers: string,
  history = false,
): Promise<void> {
  await db.query(
    `INSERT INTO trellis_snapshots (room, state, covers, updated_at, history) VALUES ($1, $2, $3, now(), $4)
     ON CONFLICT (room) DO UPDATE SET state = EXCLUDED.state, covers = EXCLUDED.covers, updated_at = now(),
       history = EXCLUDED.history`,
    [room, Buffer.from(state.buffer, state.byteOffset, state.byteLength), covers, history],
  );
}

export async function listSnapshots(
  db: Pool,
): Promise<Array<{ room: string; bytes: number; covers: string; updatedAt: number }>> {
  const { rows } = await db.query<{ room: string; bytes: number; covers: string; updated_at: Date }>(
    'SELECT room, octet_length(state) AS bytes, covers, updated_at FROM trellis_snapshots',
  );
  return rows.map((r) => ({
    room: r.room,
    bytes: Number(r.bytes),
    covers: r.covers,
    updatedAt: r.updated_at.getTime(),
  }));
}

/** The snapshot and the history of `room` (S12.2). */
export async function deleteSnapshot(db: Pool | PoolClient, room: string): Promise<void> {
  await db.query('DELETE FROM trellis_snapshots WHERE room = $1', [room]);
  await db.query('DELETE FROM trellis_history WHERE room = $1', [room]);
}

/** Waits for the room's compaction lock and holds it for the current transaction (a delete). */
export async function waitForCompactionLock(client: PoolClient, room: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [compactionLockKey(room)]);
}

function compactionLockKey(room: string): string {
  return `trellis:compact:${room}`;
}

/**
 * Takes the room's compaction lock for the current transaction without waiting: false when another
 * worker holds it (that worker's snapshot will cover what this one would have written).
 */
export async function tryCompactionLock(client: PoolClient, room: string): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
    [compactionLockKey(room)],
  );
  return rows[0]?.locked === true;
}

export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
