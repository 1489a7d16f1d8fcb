/**
 * File formats of the admin CLI.
 *
 * Backup (`trellis-server backup`): JSON lines, so a large store streams. A header line, one line per
 * room with its whole state as one base64 Yjs update and the SHA-256 of those bytes, and an end line
 * with the room count, so a truncated or altered file is detected before anything is restored.
 *   {"format":"trellis-backup","version":2,"createdAt":"…"}
 *   {"room":"board.x","entries":3,"bytes":1234,"updatedAt":…,"sha256":"<hex>","state":"<base64>"}
 *   {"end":true,"rooms":1}
 * Version 1 (before checksums) is the same without `sha256`; such backups still restore, checked by
 * decoding only.
 *
 * Export (`trellis-server export <board>`): one JSON document with a readable board snapshot, each
 * description as Markdown, and the Yjs state of every room (what `import` applies), plus a Markdown
 * rendering of the whole board for people.
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { readAllComments } from '../../shared/board/comments';
import { readBoard } from '../../shared/board/read';
import { readEstimates } from '../../shared/board/rituals/poker';
import { parseRoom } from '../../shared/room-names';
import type { FileRoom } from './check';
import { descriptionToMarkdown } from './description-markdown';
import { escapeMarkdown } from './markdown-text';
import type { RoomDump } from './ops';

export const BACKUP_FORMAT = 'trellis-backup';
export const EXPORT_FORMAT = 'trellis-board-export';
export const FORMAT_VERSION = 1;
/** Version 2 added a checksum per room; version 1 backups are still read. */
export const BACKUP_VERSION = 2;

export function backupHeaderLine(createdAt: Date): string {
  return `${JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: createdAt.toISOString() })}\n`;
}

export function backupRoomLine(dump: RoomDump): string {
  const { state, ...summary } = dump;
  return `${JSON.stringify({ ...summary, sha256: sha256(state), state: Buffer.from(state).toString('base64') })}\n`;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function backupEndLine(rooms: number): string {
  return `${JSON.stringify({ end: true, rooms })}\n`;
}

export interface RoomState {
  room: string;
  state: Uint8Array;
}

export class FormatError extends Error {
  override name = 'FormatError';
}

/**
 * Parses a whole backup; throws FormatError for a foreign, truncated or malformed file. Each room's
 * checksum is compared here and reported with it (`verify` lists them; `restore` and `import` refuse
 * a mismatch).
 */
export function parseBackup(text: string): FileRoom[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const parse = (line: string, n: number): Record<string, unknown> => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new FormatError(`line ${n + 1} is not JSON`);
    }
  };
  const header = lines[0] === undefined ? null : parse(lines[0], 0);
  if (header?.format !== BACKUP_FORMAT) throw new FormatError('not a Trellis backup (no header line)');
  if (header.version !== 1 && header.version !== BACKUP_VERSION)
    throw new FormatError(`unsupported backup version ${header.version}`);
  const withChecksums = header.version === BACKUP_VERSION;
  const end = lines.length > 1 ? parse(lines[lines.length - 1]!, lines.length - 1) : null;
  if (end?.end !== true) throw new FormatError('the backup is truncated (no end line)');
  const rooms = lines.slice(1, -1).map((line, i) => backupRoom(parse(line, i + 1), i + 2, withChecksums));
  if (end.rooms !== rooms.length) {
    throw new FormatError(`the backup is damaged: ${rooms.length} rooms, end line says ${end.rooms}`);
  }
  return rooms;
}

function backupRoom(entry: Record<string, unknown>, line: number, withChecksum: boolean): FileRoom {
  const { room, state } = roomState(entry, line);
  if (!withChecksum) return { room, state, checksum: 'absent' };
  if (typeof entry.sha256 !== 'string') throw new FormatError(`line ${line}: expected the state's sha256`);
  return { room, state, checksum: entry.sha256 === sha256(state) ? 'verified' : 'mismatch' };
}

function roomState(entry: Record<string, unknown>, line: number): RoomState {
  if (typeof entry.room !== 'string' || typeof entry.state !== 'string') {
    throw new FormatError(`line ${line}: expected a room and its state`);
  }
  return { room: entry.room, state: new Uint8Array(Buffer.from(entry.state, 'base64')) };
}

export interface BoardExport {
  format: typeof EXPORT_FORMAT;
  version: number;
  board: string;
  exportedAt: string;
  /** The board as the app shows it (read-only information; import uses `rooms`). */
  snapshot: unknown;
  /** Card id → description as Markdown. */
  descriptions: Record<string, string>;
  /** Card id → its comments, oldest first (shared/board/comments.ts). */
  comments: Record<string, unknown>;
  /** Card id → its accepted planning-poker estimate. */
  estimates: Record<string, string>;
  /** Every room of the board with its whole state as a base64 Yjs update and its SHA-256 (hex). */
  rooms: Array<{ room: string; sha256?: string; state: string }>;
}

export function docOf(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
}

/** The board snapshot as plain JSON (its card index is a Map). */
export function boardJson(doc: Y.Doc): unknown {
  const snapshot = readBoard(doc);
  return { ...snapshot, cards: Object.fromEntries(snapshot.cards) };
}

export function buildExport(
  boardId: string,
  dumps: RoomDump[],
  now: Date,
): { json: BoardExport; markdown: string } {
  let boardDoc: Y.Doc | null = null;
  /** Each description as written (JSON), and placed under its card's heading (the outline). */
  const descriptions: Record<string, string> = {};
  const outlined: Record<string, string> = {};
  for (const dump of dumps) {
    const parsed = parseRoom(dump.room);
    if (parsed.kind === 'board') boardDoc = docOf(dump.state);
    else if (parsed.kind === 'description') {
      const description = docOf(dump.state);
      descriptions[parsed.cardId] = descriptionToMarkdown(description);
      outlined[parsed.cardId] = descriptionToMarkdown(description, { headingOffset: CARD_LEVEL });
    }
  }
  const doc = boardDoc ?? new Y.Doc();
  const json: BoardExport = {
    format: EXPORT_FORMAT,
    version: FORMAT_VERSION,
    board: boardId,
    exportedAt: now.toISOString(),
    snapshot: boardJson(doc),
    descriptions,
    comments: Object.fromEntries(readAllComments(doc)),
    estimates: Object.fromEntries(readEstimates(doc)),
    rooms: dumps.map((dump) => ({
      room: dump.room,
      sha256: sha256(dump.state),
      state: Buffer.from(dump.state).toString('base64'),
    })),
  };
  return { json, markdown: boardMarkdown(doc, boardId, outlined) };
}

/** A card's heading level in an exported outline (board h1, column h2, card h3). */
const CARD_LEVEL = 3;

function boardMarkdown(doc: Y.Doc, boardId: string, descriptions: Record<string, string>): string {
  const board = readBoard(doc);
  const labelName = new Map(board.labels.map((label) => [label.id, label.name]));
  const memberName = new Map(board.members.map((member) => [member.id, member.name]));
  const threads = readAllComments(doc);
  const estimates = readEstimates(doc);
  const lines = [`# ${escapeMarkdown(board.title || boardId)}`, ''];
  for (const column of board.columns) {
    lines.push(`## ${escapeMarkdown(column.title)}`, '');
    for (const card of column.cards) {
      lines.push(`### ${escapeMarkdown(card.title)}`, '');
      const names = (ids: readonly string[], of: Map<string, string>) =>
        ids.map((id) => escapeMarkdown(of.get(id) ?? id)).join(', ');
      const facts = [
        card.labels.length > 0 ? `Labels: ${names(card.labels, labelName)}` : null,
        card.assignees.length > 0 ? `Assignees: ${names(card.assignees, memberName)}` : null,
        card.due ? `Due: ${card.due}` : null,
        estimates.has(card.id) ? `Estimate: ${escapeMarkdown(estimates.get(card.id) ?? '')}` : null,
      ].filter((fact): fact is string => fact !== null);
      if (facts.length > 0) lines.push(...facts.map((fact) => `- ${fact}`), '');
      const description = descriptions[card.id];
      if (description) lines.push(description, '');
      const comments = threads.get(card.id) ?? [];
      if (comments.length > 0) {
        // A comment's later lines are indented to stay inside its list item.
        lines.push('#### Comments', '');
        for (const c of comments) {
          const author = escapeMarkdown(memberName.get(c.author) ?? c.author);
          lines.push(
            `- **${author}**, ${new Date(c.createdAt).toISOString()}: ${escapeMarkdown(c.text).split('\n').join('\n  ')}`,
          );
        }
        lines.push('');
      }
    }
  }
  if (board.archivedCards.length > 0) {
    lines.push('## Archived', '');
    for (const card of board.archivedCards) lines.push(`- ${escapeMarkdown(card.title)}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Parses an export; throws FormatError for anything else. */
export function parseExport(text: string): { board: string; rooms: FileRoom[] } {
  let data: Partial<BoardExport>;
  try {
    data = JSON.parse(text) as Partial<BoardExport>;
  } catch {
    throw new FormatError('not JSON');
  }
  if (data.format !== EXPORT_FORMAT || !Array.isArray(data.rooms) || typeof data.board !== 'string') {
    throw new FormatError('not a Trellis board export');
  }
  return {
    board: data.board,
    rooms: data.rooms.map((entry, i) => {
      const fields = entry as unknown as Record<string, unknown>;
      return backupRoom(fields, i + 1, typeof fields.sha256 === 'string');
    }),
  };
}

/** A document as readable JSON: the board view for board rooms, Markdown for descriptions, else raw types. */
export function inspectDoc(room: string, doc: Y.Doc): unknown {
  const parsed = parseRoom(room);
  if (parsed.kind === 'board') return { room, kind: 'board', board: boardJson(doc) };
  if (parsed.kind === 'description')
    return { room, kind: 'description', markdown: descriptionToMarkdown(doc) };
  const roots: Record<string, unknown> = {};
  for (const name of doc.share.keys()) roots[name] = genericJson(doc, name);
  return { room, kind: 'other', roots };
}

/** Root types of a doc loaded from an update have no class yet; guess it from their content. */
function genericJson(doc: Y.Doc, name: string): unknown {
  const type = doc.share.get(name)!;
  if (type._map.size > 0) return doc.getMap(name).toJSON();
  const first = type._start?.content;
  if (first instanceof Y.ContentString || first instanceof Y.ContentFormat)
    return doc.getText(name).toString();
  if (first instanceof Y.ContentType && first.type instanceof Y.XmlText)
    return doc.get(name, Y.XmlText).toString();
  return doc.getArray(name).toJSON();
}
