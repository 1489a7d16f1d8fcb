/**
 * Names and ids shared by every scale-out instance. Changing one is a data migration: old
 * instances and new ones must agree on them.
 */

/** The Redis stream holding one document's update log. */
export function docStreamKey(room: string): string {
  return `${DOC_STREAM_PREFIX}${room}`;
}
export const DOC_STREAM_PREFIX = 'trellis:doc:';

/** The Redis pub/sub channel carrying one document's awareness between instances. */
export function awarenessChannel(room: string): string {
  return `trellis:aw:${room}`;
}

/**
 * A hash per document: instance id → `<cursor> <epoch ms>`, the last entry each instance's read loop
 * has consumed, refreshed every second. Compaction never trims past the slowest live reader.
 */
export function readersKey(room: string): string {
  return `trellis:readers:${room}`;
}
/** How often an instance refreshes its read cursors, and when an unrefreshed one no longer counts. */
export const READER_REPORT_MS = 1_000;
export const READER_STALE_MS = 30_000;

/** The work queue of compaction requests, read by the `compactors` consumer group. */
export const COMPACTION_QUEUE_KEY = 'trellis:compaction';
export const COMPACTION_GROUP = 'compactors';

/**
 * Fields of a document stream entry: the Yjs update, the instance that appended it, and the time
 * the appending instance's clock stamped it (epoch ms, for the history: S13.1).
 */
export const ENTRY_UPDATE_FIELD = 'u';
export const ENTRY_INSTANCE_FIELD = 'i';
export const ENTRY_TIME_FIELD = 't';

/** The stream position before any entry. */
export const STREAM_START = '0-0';

/** A Redis stream entry id `<ms>-<seq>`, comparable as a pair of integers. */
export function parseStreamId(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  if (dash < 0) return [BigInt(id), 0n];
  return [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

export function compareStreamIds(a: string, b: string): number {
  const [am, as] = parseStreamId(a);
  const [bm, bs] = parseStreamId(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** The smallest id after `id` (for `XTRIM MINID`, which keeps entries at or above its argument). */
export function nextStreamId(id: string): string {
  const [ms, seq] = parseStreamId(id);
  return `${ms}-${seq + 1n}`;
}
