import type { ClassicLevel } from 'classic-level';
import type { HistoryEntry, HistoryLog, HistoryMerge, HistorySegment } from '../core/doc-store';

/**
 * A room's history in LevelDB (S13), beside its live log:
 *   `h!<room>!<time: 12 hex digits>!<seq: 12 hex digits>!<bytes: hex>` → the update(s) stored then
 * `time` is when the store took it (epoch ms), `seq` the live log entry that carried it (a merged
 * segment keeps its last one's), so keys sort by time and a room's history is one contiguous range.
 * The size in the key lets a listing read keys only. Writes of history keys happen in the batch of
 * the append they record (level-doc-store.ts), or, for merges, in the room's write order.
 */
const HEX_TIME = 12;
const MAX_TIME = 16 ** HEX_TIME - 1;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export function historyPrefix(room: string): string {
  return `h!${room}!`;
}

export function historyRange(room: string): { gt: string; lt: string } {
  return { gt: historyPrefix(room), lt: `${historyPrefix(room)}~` };
}

export function historyKey(room: string, time: number, seq: number, bytes: number): string {
  return `${historyPrefix(room)}${segmentId(time, seq, bytes)}`;
}

function segmentId(time: number, seq: number, bytes: number): string {
  return `${hex(Math.min(Math.max(0, time), MAX_TIME), HEX_TIME)}!${hex(seq, 12)}!${bytes.toString(16)}`;
}

function parseId(id: string): { time: number; seq: number; bytes: number } {
  const [time, seq, bytes] = id.split('!');
  return {
    time: Number.parseInt(time!, 16),
    seq: Number.parseInt(seq!, 16),
    bytes: Number.parseInt(bytes!, 16),
  };
}

export interface LevelHistoryDeps {
  db: ClassicLevel<string, Uint8Array>;
  sync: boolean;
  /** Runs `write` after the room's earlier writes (the store's per-room order, S3.2). */
  inOrder(room: string, write: () => Promise<void>): Promise<void>;
}

export class LevelHistory implements HistoryLog {
  constructor(private readonly deps: LevelHistoryDeps) {}

  async segments(room: string): Promise<HistorySegment[]> {
    const prefix = historyPrefix(room);
    const segments: HistorySegment[] = [];
    for await (const key of this.deps.db.keys(historyRange(room))) {
      const id = key.slice(prefix.length);
      const { time, bytes } = parseId(id);
      segments.push({ id, time, bytes, mergeable: true });
    }
    return segments;
  }

  async read(room: string, upTo: number): Promise<HistoryEntry[]> {
    const prefix = historyPrefix(room);
    const entries: HistoryEntry[] = [];
    if (upTo < 0) return entries;
    // Keys stamped at or before `upTo` sort before the first one stamped after it. An iterator reads
    // one snapshot, so a merge running meanwhile is seen whole or not at all.
    const end = upTo >= MAX_TIME ? `${prefix}~` : `${prefix}${hex(Math.floor(upTo) + 1, HEX_TIME)}`;
    for await (const [key, update] of this.deps.db.iterator({ gt: prefix, lt: end })) {
      const id = key.slice(prefix.length);
      const { time } = parseId(id);
      entries.push({ id, time, bytes: update.byteLength, mergeable: true, update });
    }
    return entries;
  }

  merge(room: string, merges: readonly HistoryMerge[]): Promise<boolean> {
    let merged = false;
    return this.deps
      .inOrder(room, async () => {
        const prefix = historyPrefix(room);
        const old = merges.flatMap((merge) => merge.ids.map((id) => `${prefix}${id}`));
        // In the room's write order, after a delete issued before: merging what is gone would bring
        // a deleted room's history back.
        if (!(await this.deps.db.hasMany(old)).every(Boolean)) return;
        const puts = merges.map((merge) => ({
          type: 'put' as const,
          key: historyKey(room, merge.time, parseId(merge.ids.at(-1)!).seq, merge.update.byteLength),
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
}
