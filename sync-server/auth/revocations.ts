/**
 * Revoked share links (S12.3), without rotating the server's key: per board, the time of its last
 * revocation. A token for the board whose generation (when it was minted, `gen`, epoch ms) is not
 * after it is refused at the upgrade, and connections holding one are closed. Links minted later
 * work. Kept in memory for the upgrade check and stored (LevelDB on one node, PostgreSQL when
 * scaled out) so they survive restarts.
 */

export interface RevocationStore {
  /** Every revoked board with the time of its last revocation (epoch ms). */
  loadAll(): Promise<Map<string, number>>;
  /**
   * Stores a revocation of `board` at `at` (epoch ms) and returns the board's revocation time now
   * stored: the later of `at` and an earlier one (a clock that went back never un-revokes).
   */
  save(board: string, at: number): Promise<number>;
}

/** For a server without a store of its own (tests with an injected store): lost on restart. */
export class MemoryRevocationStore implements RevocationStore {
  private readonly boards = new Map<string, number>();

  async loadAll(): Promise<Map<string, number>> {
    return new Map(this.boards);
  }

  async save(board: string, at: number): Promise<number> {
    const kept = Math.max(at, this.boards.get(board) ?? 0);
    this.boards.set(board, kept);
    return kept;
  }
}

/** Told of each new revocation; returns how many connections it closed, if it closes any. */
export type RevokedListener = (board: string, revokedAt: number) => number | undefined;

export class Revocations {
  private readonly revokedAt = new Map<string, number>();
  private readonly listeners = new Set<RevokedListener>();

  private constructor(private readonly store: RevocationStore) {}

  static async open(store: RevocationStore): Promise<Revocations> {
    const revocations = new Revocations(store);
    revocations.apply(await store.loadAll());
    return revocations;
  }

  /** Whether a token of `generation` is refused for the rooms of `board` (null: not a board's room). */
  refuses(board: string | null, generation: number | undefined): boolean {
    if (board === null) return false;
    const at = this.revokedAt.get(board);
    return at !== undefined && (generation ?? 0) <= at;
  }

  /**
   * Revokes every token for `board` minted up to `at`: returns the stored revocation time and how
   * many connections the listeners closed.
   */
  async revoke(board: string, at: number = Date.now()): Promise<{ revokedAt: number; closed: number }> {
    const revokedAt = await this.store.save(board, at);
    return { revokedAt, closed: this.apply(new Map([[board, revokedAt]])) };
  }

  /**
   * Takes in revocations stored elsewhere (another instance, read back from the store); tells the
   * listeners about each that is new or later than the one known. Returns the connections closed.
   */
  apply(revocations: ReadonlyMap<string, number>): number {
    let closed = 0;
    for (const [board, at] of revocations) {
      if (at <= (this.revokedAt.get(board) ?? Number.NEGATIVE_INFINITY)) continue;
      this.revokedAt.set(board, at);
      for (const listener of this.listeners) closed += listener(board, at) ?? 0;
    }
    return closed;
  }

  /** Re-reads the store (scale-out: revocations made through another instance). */
  async refresh(): Promise<void> {
    this.apply(await this.store.loadAll());
  }

  /** Called for each new revocation; returns the unsubscribe. */
  onRevoked(listener: RevokedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
