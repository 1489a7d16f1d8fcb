import type { RevocationStore } from '../auth/revocations';
import type { LevelDocStore } from './level-doc-store';

/** Board ids never contain `~`, which ends the range of these keys. */
const PREFIX = 'revoked!';

/** Revocations (S12.3) in the data directory's LevelDB, beside the documents. */
export class LevelRevocationStore implements RevocationStore {
  constructor(private readonly store: LevelDocStore) {}

  async loadAll(): Promise<Map<string, number>> {
    const boards = new Map<string, number>();
    for (const [board, value] of await this.store.readRecords(PREFIX)) boards.set(board, Number(value));
    return boards;
  }

  async save(board: string, at: number): Promise<number> {
    const earlier = Number((await this.store.readRecord(`${PREFIX}${board}`)) ?? 0);
    const kept = Math.max(at, earlier);
    await this.store.writeRecord(`${PREFIX}${board}`, String(kept));
    return kept;
  }
}
