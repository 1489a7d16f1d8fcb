import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * The append journal (S2.3): an update is written to the end of a plain file with one `write(2)` on
 * the event loop before the store reports it stored, and reaches LevelDB behind it. A write handed
 * to the kernel survives `kill -9` of the process, exactly as LevelDB's own unsynced log write does,
 * without LevelDB's round trip through libuv's thread pool (whose queueing was most of the server's
 * 99th-percentile latency at 100 clients per board).
 *
 * Files `journal/<first seq, 16 digits>.wal`, each a run of records:
 *   [u32 body length][u32 CRC-32 of body][body]
 *   body: [u8 kind][f64 seq][f64 time][u16 room bytes][room, UTF-8][update, the rest]
 * A file starts with a header record (kind 0) carrying the last sequence number issued before it, so
 * the numbering continues across restarts even when every earlier file is gone. Sequence numbers
 * are global and increase by one per record; the store keeps per room the last one it applied.
 * A file is removed once every record in it has reached LevelDB and a newer file has been started.
 */

const KIND_HEADER = 0;
const KIND_APPEND = 1;
const KIND_DELETE = 2;
const FRAME_BYTES = 8;
const FIXED_BODY_BYTES = 1 + 8 + 8 + 2;
/** A header record: no room name, no update. */
const HEADER_BYTES = FRAME_BYTES + FIXED_BODY_BYTES;
/** A file past this size is sealed and a new one started, so applied records can be removed. */
const DEFAULT_FILE_BYTES = 8 * 1024 * 1024;
const SUFFIX = '.wal';

export type JournalRecord =
  | { kind: 'append'; seq: number; time: number; room: string; update: Uint8Array }
  | { kind: 'delete'; seq: number; time: number; room: string };

export interface JournalContents {
  /** Every append and delete record, in sequence order. */
  records: JournalRecord[];
  /** The highest sequence number any file holds (0 for none). */
  lastSeq: number;
  /** Where a file stopped being readable (a torn or damaged tail), one line each. */
  damaged: string[];
}

/** A record written: `settle` once it has reached LevelDB. */
export interface JournalTicket {
  seq: number;
  settle(): void;
}

interface JournalFile {
  name: string;
  fd: number;
  bytes: number;
  /** Records written to it that have not reached LevelDB yet. */
  pending: number;
  sealed: boolean;
}

/** Reads every journal file in `dir` (none when it does not exist). Never throws on damaged content. */
export function readJournal(dir: string): JournalContents {
  const contents: JournalContents = { records: [], lastSeq: 0, damaged: [] };
  for (const name of journalFiles(dir)) {
    const bytes = readFileSync(join(dir, name));
    let offset = 0;
    while (offset < bytes.byteLength) {
      const record = decodeRecord(bytes, offset);
      if (typeof record === 'string') {
        contents.damaged.push(`${name} at byte ${offset}: ${record}`);
        break;
      }
      offset = record.next;
      contents.lastSeq = Math.max(contents.lastSeq, record.seq);
      if (record.record !== null) contents.records.push(record.record);
    }
  }
  // Already in sequence order: a file's records are written in it, and the files' names (their first
  // sequence number, zero-padded) sort the same way.
  return contents;
}

export class AppendJournal {
  private current: JournalFile;
  private readonly sealed = new Set<JournalFile>();
  private seq: number;

  /**
   * Starts a journal in `dir` numbered after `lastSeq`, and removes the files found there: the
   * caller has applied every record they held (LevelDocStore replays them before it serves).
   */
  constructor(
    private readonly dir: string,
    lastSeq: number,
    private readonly maxFileBytes = DEFAULT_FILE_BYTES,
  ) {
    mkdirSync(dir, { recursive: true });
    const old = journalFiles(dir);
    this.seq = lastSeq;
    this.current = this.startFile();
    for (const name of old) if (name !== this.current.name) unlinkSync(join(dir, name));
  }

  /** The last sequence number issued. */
  get lastSeq(): number {
    return this.seq;
  }

  append(room: string, time: number, update: Uint8Array): JournalTicket {
    return this.write(KIND_APPEND, room, time, update);
  }

  delete(room: string, time: number): JournalTicket {
    return this.write(KIND_DELETE, room, time, new Uint8Array(0));
  }

  /**
   * Closes the journal. Once every record has reached LevelDB the files hold nothing a start needs but
   * the numbering: the current file is replaced by one holding only a header (records LevelDB holds
   * are skipped on replay by their number, so the next run's must be numbered after them), and a data
   * directory after a clean shutdown is not up to a full file longer than its documents. A file with a
   * record that did not settle stays for the next start to replay.
   */
  close(): void {
    if (this.current.pending === 0 && this.current.bytes > HEADER_BYTES) {
      try {
        this.rotate();
      } catch {
        // The directory is gone or full: the file stays as it is, and since LevelDB holds every record
        // in it a replay skips them all. A shutdown must not fail over disk space it would only free.
      }
    }
    closeSync(this.current.fd);
    for (const file of this.sealed) if (file.fd >= 0) closeSync(file.fd);
  }

  private write(kind: number, room: string, time: number, update: Uint8Array): JournalTicket {
    const seq = this.seq + 1;
    const record = encodeRecord(kind, seq, time, room, update);
    const file = this.current;
    // One write(2) per record: the kernel takes all of it or reports the error (ENOSPC, EIO), and a
    // record it did not take is never reported stored.
    const written = writeSync(file.fd, record);
    if (written !== record.byteLength)
      throw new Error(`journal write took ${written} of ${record.byteLength} bytes`);
    this.seq = seq;
    file.bytes += record.byteLength;
    file.pending++;
    if (file.bytes >= this.maxFileBytes) this.rotate();
    let settled = false;
    return {
      seq,
      settle: () => {
        if (settled) return;
        settled = true;
        file.pending--;
        this.removeIfDone(file);
      },
    };
  }

  private rotate(): void {
    const old = this.current;
    this.current = this.startFile();
    old.sealed = true;
    closeSync(old.fd);
    old.fd = -1;
    this.sealed.add(old);
    this.removeIfDone(old);
  }

  private removeIfDone(file: JournalFile): void {
    if (!file.sealed || file.pending > 0) return;
    this.sealed.delete(file);
    unlinkSync(join(this.dir, file.name));
  }

  private startFile(): JournalFile {
    const name = `${String(this.seq + 1).padStart(16, '0')}${SUFFIX}`;
    const fd = openSync(join(this.dir, name), 'w');
    const header = encodeRecord(KIND_HEADER, this.seq, 0, '', new Uint8Array(0));
    writeSync(fd, header);
    return { name, fd, bytes: header.byteLength, pending: 0, sealed: false };
  }
}

function journalFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.filter((name) => name.endsWith(SUFFIX)).sort();
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeRecord(
  kind: number,
  seq: number,
  time: number,
  room: string,
  update: Uint8Array,
): Buffer {
  const roomBytes = encoder.encode(room);
  const bodyBytes = FIXED_BODY_BYTES + roomBytes.byteLength + update.byteLength;
  const record = Buffer.allocUnsafe(FRAME_BYTES + bodyBytes);
  let at = FRAME_BYTES;
  at = record.writeUInt8(kind, at);
  at = record.writeDoubleLE(seq, at);
  at = record.writeDoubleLE(time, at);
  at = record.writeUInt16LE(roomBytes.byteLength, at);
  record.set(roomBytes, at);
  record.set(update, at + roomBytes.byteLength);
  record.writeUInt32LE(bodyBytes, 0);
  record.writeUInt32LE(crc32(record.subarray(FRAME_BYTES)), 4);
  return record;
}

interface Decoded {
  seq: number;
  /** Null for a header. */
  record: JournalRecord | null;
  next: number;
}

/** The record at `offset`, or why it cannot be read. */
function decodeRecord(bytes: Buffer, offset: number): Decoded | string {
  if (bytes.byteLength - offset < FRAME_BYTES) return 'truncated frame';
  const length = bytes.readUInt32LE(offset);
  const start = offset + FRAME_BYTES;
  if (length < FIXED_BODY_BYTES || start + length > bytes.byteLength) return 'truncated record';
  const body = bytes.subarray(start, start + length);
  if (crc32(body) !== bytes.readUInt32LE(offset + 4)) return 'checksum mismatch';
  const kind = body.readUInt8(0);
  const seq = body.readDoubleLE(1);
  const time = body.readDoubleLE(9);
  const roomBytes = body.readUInt16LE(17);
  if (FIXED_BODY_BYTES + roomBytes > length || !Number.isSafeInteger(seq)) return 'malformed record';
  const next = start + length;
  if (kind === KIND_HEADER) return { seq, record: null, next };
  let room: string;
  try {
    room = decoder.decode(body.subarray(FIXED_BODY_BYTES, FIXED_BODY_BYTES + roomBytes));
  } catch {
    return 'malformed room name';
  }
  if (kind === KIND_DELETE) return { seq, record: { kind: 'delete', seq, time, room }, next };
  if (kind !== KIND_APPEND) return `unknown record kind ${kind}`;
  // A copy: the file's buffer is dropped once it has been read.
  const update = new Uint8Array(body.subarray(FIXED_BODY_BYTES + roomBytes));
  return { seq, record: { kind: 'append', seq, time, room, update }, next };
}
