import type { DocStore, RoomSummary, StoredDoc } from './doc-store';

interface MemoryRoom {
  updates: Uint8Array[];
  updatedAt: number;
}

/**
 * The in-memory twin of the LevelDB store, for tests. `failNext` makes the next writes reject,
 * to prove the core keeps documents in memory and retries when storage fails.
 */
export class MemoryDocStore implements DocStore {
  private readonly rooms = new Map<string, MemoryRoom>();
  private failures = 0;
  /** Counts calls per method, so tests can check that a room loaded once. */
  readonly calls = { load: 0, append: 0, replace: 0 };
  /** When set, load() waits for this promise: tests hold a load open to race connections. */
  loadGate: Promise<void> | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  failNext(count: number): void {
    this.failures = count;
  }

  async load(room: string): Promise<StoredDoc> {
    this.calls.load++;
    if (this.loadGate) await this.loadGate;
    this.maybeFail('load');
    return { updates: [...(this.rooms.get(room)?.updates ?? [])] };
  }

  async append(room: string, update: Uint8Array): Promise<void> {
    this.calls.append++;
    this.maybeFail('append');
    const entry = this.rooms.get(room) ?? { updates: [], updatedAt: 0 };
    entry.updates.push(update.slice());
    entry.updatedAt = this.now();
    this.rooms.set(room, entry);
  }

  async replace(room: string, state: Uint8Array): Promise<void> {
    this.calls.replace++;
    this.maybeFail('replace');
    this.rooms.set(room, { updates: [state.slice()], updatedAt: this.now() });
  }

  async delete(room: string): Promise<void> {
    this.maybeFail('delete');
    this.rooms.delete(room);
  }

  async list(): Promise<RoomSummary[]> {
    return [...this.rooms].map(([room, { updates, updatedAt }]) => ({
      room,
      entries: updates.length,
      bytes: updates.reduce((sum, u) => sum + u.byteLength, 0),
      updatedAt,
    }));
  }

  async close(): Promise<void> {}

  private maybeFail(op: string): void {
    if (this.failures > 0) {
      this.failures--;
      throw new Error(`MemoryDocStore: injected ${op} failure`);
    }
  }
}
