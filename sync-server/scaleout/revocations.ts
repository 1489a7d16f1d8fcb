import type { Pool } from 'pg';
import type { RevocationStore } from '../auth/revocations';

/**
 * Revocations (S12.3) in PostgreSQL, shared by every instance: each re-reads the table every second
 * (revocation-setup.ts), so a revocation made through one instance holds on all within about that.
 * The table is created with the snapshots' (snapshots.ts, `ensureSchema`).
 */
export class PgRevocationStore implements RevocationStore {
  constructor(private readonly pool: Pool) {}

  async loadAll(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ board: string; revoked_at: string }>(
      'SELECT board, revoked_at FROM trellis_revocations',
    );
    return new Map(rows.map((row) => [row.board, Number(row.revoked_at)]));
  }

  async save(board: string, at: number): Promise<number> {
    const { rows } = await this.pool.query<{ revoked_at: string }>(
      `INSERT INTO trellis_revocations (board, revoked_at) VALUES ($1, $2)
       ON CONFLICT (board) DO UPDATE SET revoked_at = GREATEST(trellis_revocations.revoked_at, EXCLUDED.revoked_at)
       RETURNING revoked_at`,
      [board, at],
    );
    return Number(rows[0]!.revoked_at);
  }
}
