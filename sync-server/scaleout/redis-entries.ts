import type Redis from 'ioredis';
import { ENTRY_INSTANCE_FIELD, ENTRY_TIME_FIELD, ENTRY_UPDATE_FIELD, parseStreamId } from './keys';

/** One decoded entry of a document stream. */
export interface DocEntry {
  id: string;
  update: Uint8Array;
  /** The instance that appended it ('' when unknown, e.g. written by a migration). */
  instance: string;
  /** When it was stored (epoch ms): its time field, else the stream id's (Redis's clock). */
  time: number;
}

/** The raw shape ioredis returns for stream entries read with the *Buffer commands. */
export type RawEntry = [Buffer, Buffer[]];

export function decodeEntry([id, fields]: RawEntry): DocEntry | null {
  let update: Uint8Array | null = null;
  let instance = '';
  let time = Number.NaN;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!.toString();
    if (name === ENTRY_UPDATE_FIELD) update = new Uint8Array(fields[i + 1]!);
    else if (name === ENTRY_INSTANCE_FIELD) instance = fields[i + 1]!.toString();
    else if (name === ENTRY_TIME_FIELD) time = Number(fields[i + 1]!.toString());
  }
  if (update === null) return null;
  const entryId = id.toString();
  if (!Number.isSafeInteger(time)) time = Number(parseStreamId(entryId)[0]);
  return { id: entryId, update, instance, time };
}

/** Entries of `key` strictly after `afterId` (all of them for '0-0'), oldest first. */
export async function readEntriesAfter(redis: Redis, key: string, afterId: string): Promise<DocEntry[]> {
  const start = afterId === '0-0' ? '-' : `(${afterId}`;
  const raw = (await redis.xrangeBuffer(key, start, '+')) as unknown as RawEntry[];
  const entries: DocEntry[] = [];
  for (const item of raw) {
    const entry = decodeEntry(item);
    if (entry) entries.push(entry);
  }
  return entries;
}
