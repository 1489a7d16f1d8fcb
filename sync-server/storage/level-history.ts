import type { ClassicLevel } from 'classic-level';
import type { HistoryEntry, HistoryLog, HistoryMerge, HistorySegment } from '../core/doc-store';
import {
  decodeMeta,
  historyKey,
  historyKeyAfter,
  historyPrefix,
  historyRange,
  metaKey,
  parseSegmentId,
  parseUpdateKey,
  roomRange,
} from './level-keys';

/**
 * A room's history in LevelDB (S13): the `h!` segments compactions moved out of the live log
 * (level-doc-store.ts, in the compaction's own atomic batch), followed by the live log's entries
 * that no compaction has moved yet, which can be read but not merged. Both are read from one LevelDB
 * snapshot, so a compaction moving entries meanwhile is seen wholly or not at all.
 */
const LIVE = 'live:';

export interface LevelHistoryDeps {
  db: ClassicLevel<string, Uint8Array>;
  sync: boolean;
  /** Runs `write` after the room's earlier writes (the store's per-room order, S3.2). */
  inOrder(room: string, write: () => Promise<void>): Promise<void>;
  /** Resolves once the room's writes issued so far are in LevelDB (an append may be journaled only). */
  settled(room: string): Promise<void>;
}

/**
 * Stamps for live entries as a compaction will stamp them when it moves them: never before the
 * previous one (`after` is the history's newest time); an entry without a stamp (written before
 * stamps existed) takes the previous one.
 */
export function stampLive(time: number | null, after: number): number {
  return Math.max(time ?? after, after);
}

export class LevelHistory implements HistoryLog {
  constructor(private readonly deps: LevelHistoryDeps) {}

  async segments(room: string): Promise<HistorySegment[]> {
    return (await this.readAll(room, Number.POSITIVE_INFINITY)).map(({ update: _, ...segment }) => segment);
  }

  read(room: string, upTo: number): Promise<HistoryEntry[]> {
    return this.readAll(room, upTo);
  }

  merge(room: string, merges: readonly HistoryMerge[]): Promise<boolean> {
    let merged = false;
    return this.deps
      .inOrder(room, async () => {
        const prefix = historyPrefix(room);
        if (merges.some((merge) => merge.ids.some((id) => id.startsWith(LIVE)))) return;
        const old = merges.flatMap((merge) => merge.ids.map((id) => `${prefix}${id}`));
        // In the room's write order, after a delete issued before: merging what is gone would bring
        // a deleted room's history back.
        if (!(await this.deps.db.hasMany(old)).every(Boolean)) return;
        const puts = merges.map((merge) => ({
          type: 'put' as const,
          key: historyKey(room, merge.time, parseSegmentId(merge.ids.at(-1)!).seq, merge.update.byteLength),
          value: merge.update,
        }));
        // Deletes first: a merged key equal to an old one is written, not deleted.
        await this.deps.db.batch([...old.map((key) => ({ type: 'del' as const, key })), ...puts], {
          sync: this.deps.sync,
        });
        merged = true;
        const { gt, lt } = historyRange(room);
        this.deps.db.compactRange(gt, lt).catch(() => {});
      })
      .then(() => merged);
  }

  private async readAll(room: string, upTo: number): Promise<HistoryEntry[]> {
    const { db } = this.deps;
    const entries: HistoryEntry[] = [];
    if (upTo < 0) return entries;
    await this.deps.settled(room);
    const snapshot = db.snapshot();
    try {
      const prefix = historyPrefix(room);
      for await (const [key, update] of db.iterator({
        gt: prefix,
        lt: historyKeyAfter(room, upTo),
        snapshot,
      })) {
        const id = key.slice(prefix.length);
        entries.push({
          id,
          time: parseSegmentId(id).time,
          bytes: update.byteLength,
          mergeable: true,
          update,
        });
      }
      const stored = await db.get(metaKey(room), { snapshot });
      if (stored === undefined) return entries;
      const meta = decodeMeta(stored);
      let last = meta.ht ?? 0;
      for await (const [key, update] of db.iterator({ ...roomRange(room), snapshot })) {
        const { seq, time } = parseUpdateKey(room, key);
        // The compacted state the history already holds.
        if (meta.h === 1 && seq <= (meta.cs ?? 0)) continue;
        last = stampLive(time, last);
        if (last > upTo) break;
        entries.push({ id: `${LIVE}${seq}`, time: last, bytes: update.byteLength, mergeable: false, update });
      }
      return entries;
    } finally {
      await snapshot.close();
    }
  }
}
