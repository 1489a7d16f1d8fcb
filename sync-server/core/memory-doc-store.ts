import type { DocStore, HistoryEntry, HistoryLog, HistoryMerge, RoomSummary, StoredDoc } from './doc-store';

interface MemoryRoom {
  updates: Uint8Array[];
  updatedAt: number;
}

interface MemorySegment {
  id: string;
  time: number;
  update: Uint8Array;
}

/**
 * The in-memory twin of the LevelDB store, for tests. `failNext` makes the next writes reject,
 * to prove the core keeps documents in memory and retries when storage fails.
 */
export class MemoryDocStore implements DocStore {
  private readonly rooms = new Map<string, MemoryRoom>();
  /** Each room's history (S13): its updates with the time they were stored, oldest first. */
  private readonly histories = new Map<string, MemorySegment[]>();
  private nextSegment = 1;
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
    this.record(room, update);
  }

  async replace(room: string, state: Uint8Array): Promise<void> {
    this.calls.replace++;
    this.maybeFail('replace');
    this.rooms.set(room, { updates: [state.slice()], updatedAt: this.now() });
    // A compaction's state is in the history already; a room first written by a replace (a
    // restore) starts its history with it.
    if (!this.histories.has(room)) this.record(room, state);
  }

  async delete(room: string): Promise<void> {
    this.maybeFail('delete');
    this.rooms.delete(room);
    this.histories.delete(room);
  }

  readonly history: HistoryLog = {
    segments: async (room) =>
      (this.histories.get(room) ?? []).map(({ id, time, update }) => ({
        id,
        time,
        bytes: update.byteLength,
        mergeable: true,
      })),
    read: async (room, upTo): Promise<HistoryEntry[]> =>
      (this.histories.get(room) ?? [])
        .filter((segment) => segment.time <= upTo)
        .map(({ id, time, update }) => ({ id, time, update, bytes: update.byteLength, mergeable: true })),
    merge: async (room, merges: readonly HistoryMerge[]) => {
      const segments = this.histories.get(room);
      const ids = new Set(segments?.map((segment) => segment.id));
      if (!segments || !merges.every((merge) => merge.ids.every((id) => ids.has(id)))) return false;
      for (const merge of merges) {
        const first = segments.findIndex((segment) => segment.id === merge.ids[0]);
        const last = merge.ids.at(-1)!;
        segments.splice(first, merge.ids.length, {
          id: last,
          time: merge.time,
          update: merge.update.slice(),
        });
      }
      return true;
    },
  };

  private record(room: string, update: Uint8Array): void {
    const segments = this.histories.get(room) ?? [];
    // Never before the previous one: a version holds everything stored before it.
    const time = Math.max(this.now(), segments.at(-1)?.time ?? 0);
    segments.push({ id: String(this.nextSegment++), time, update: update.slice() });
    this.histories.set(room, segments);
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
