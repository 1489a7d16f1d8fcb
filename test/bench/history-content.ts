/**
 * What the history benchmark stores: edits of a typical board (through shared/board's intents, as
 * the UI makes them) and of a typed description (keystrokes into a Lexical-shaped document), each
 * one Yjs update; and the store-level measurements that need no server.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClassicLevel } from 'classic-level';
import * as Y from 'yjs';
import {
  addCard,
  addColumn,
  deleteCard,
  initBoard,
  moveCard,
  readBoard,
  renameColumn,
  updateCard,
} from '../../shared/board';
import { type Clock, silentLogger } from '../../sync-server/core/ports';
import { History } from '../../sync-server/history/history';
import { DEFAULT_HISTORY_TIERS } from '../../sync-server/history/policy';
import { LevelDocStore } from '../../sync-server/storage/level-doc-store';
import { seededRandom } from './stats';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WORDS = [
  'plan',
  'ship',
  'review',
  'fix',
  'design',
  'login',
  'sync',
  'notes',
  'release',
  'test',
  'docs',
];

/** The updates that create a board of 3 columns and 20 cards, then `edits` more, one per edit. */
export function boardEdits(edits: number, seed = 3): { setup: Uint8Array[]; edits: Uint8Array[] } {
  const random = seededRandom(seed);
  const opts = { random, clock: () => 1_767_225_600_000 };
  const doc = new Y.Doc();
  let sink: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => sink.push(update));
  const word = () => WORDS[Math.floor(random() * WORDS.length)]!;
  const title = () => `${word()} ${word()} ${word()}`;
  initBoard(doc, { title: 'Roadmap', createdBy: 'm1' }, opts);
  for (let i = 0; i < 20; i++) {
    const columns = readBoard(doc).columns;
    addCard(doc, { columnId: columns[i % columns.length]!.id, title: title(), createdBy: 'm1' }, opts);
  }
  const setup = sink;
  sink = [];
  while (sink.length < edits) {
    const board = readBoard(doc);
    const cards = [...board.cards.keys()];
    const card = cards[Math.floor(random() * cards.length)]!;
    const column = board.columns[Math.floor(random() * board.columns.length)]!;
    const roll = random();
    if (roll < 0.4) moveCard(doc, card, { columnId: column.id, index: Math.floor(random() * 5) }, opts);
    else if (roll < 0.7) updateCard(doc, card, { title: title() }, opts);
    else if (roll < 0.8)
      updateCard(
        doc,
        card,
        { due: `2026-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}` },
        opts,
      );
    else if (roll < 0.9) addCard(doc, { columnId: column.id, title: title(), createdBy: 'm2' }, opts);
    else if (roll < 0.95 && cards.length > 10) deleteCard(doc, card, opts);
    else if (roll < 0.97 && board.columns.length < 6) addColumn(doc, { title: word() }, opts);
    else renameColumn(doc, column.id, `${word()} ${word()}`, opts);
  }
  return { setup, edits: sink.slice(0, edits) };
}

/**
 * `keystrokes` updates typing a description as the editor writes it: characters at a cursor in a
 * paragraph (a Y.XmlText of the root), a backspace 1 time in 20, a new paragraph 1 in 40, the
 * cursor moved to another place 1 in 30.
 */
export function typedDescription(keystrokes: number, seed = 5): { setup: Uint8Array[]; edits: Uint8Array[] } {
  const random = seededRandom(seed);
  const doc = new Y.Doc();
  let sink: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => sink.push(update));
  const root = doc.get('root', Y.XmlText);
  const paragraphs: Y.XmlText[] = [];
  const newParagraph = () => {
    const paragraph = new Y.XmlText();
    doc.transact(() => {
      root.insertEmbed(paragraphs.length, paragraph);
      paragraph.setAttribute('__type', 'paragraph');
      const text = new Y.Map();
      paragraph.insertEmbed(0, text);
      text.set('__type', 'text');
      text.set('__format', 0);
    });
    paragraphs.push(paragraph);
    return paragraph;
  };
  let paragraph = newParagraph();
  let cursor = 1;
  const setup = sink;
  sink = [];
  const letters = 'etaoin shrdlu cmfwyp vbgkqjxz, ';
  while (sink.length < keystrokes) {
    const roll = random();
    if (roll < 0.025) {
      paragraph = newParagraph();
      cursor = 1;
    } else if (roll < 0.06) {
      paragraph = paragraphs[Math.floor(random() * paragraphs.length)]!;
      cursor = 1 + Math.floor(random() * paragraph.length);
    } else if (roll < 0.11 && cursor > 1) {
      paragraph.delete(cursor - 1, 1);
      cursor--;
    } else {
      paragraph.insert(cursor, letters[Math.floor(random() * letters.length)]!);
      cursor++;
    }
  }
  return { setup, edits: sink.slice(0, keystrokes) };
}

/** A clock a benchmark sets; the thinning pass is called directly. */
export function manualClock(start: number): Clock & { set(time: number): void } {
  let time = start;
  return {
    now: () => time,
    monotonic: () => performance.now(),
    setTimeout: () => null,
    clearTimeout: () => {},
    afterIo: (fn) => fn(),
    set: (next) => {
      time = next;
    },
  };
}

export interface DiskFigures {
  /** History bytes per 1,000 edits as kept for the last day (every change). */
  changeTier: number;
  /** Once a day old (one version per hour: the edits span ten hours). */
  hourTier: number;
  /** Once a month old (one version per day). */
  dayTier: number;
  /** LevelDB's files once compacted (compressed), history on minus off, per 1,000 edits. */
  levelDbDelta: number;
}

async function historyBytes(store: LevelDocStore, room: string): Promise<number> {
  return (await store.history!.segments(room)).reduce((sum, s) => sum + s.bytes, 0);
}

/**
 * Stores `setup` then `edits` (spread over ten hours) as the server does (the live log compacted
 * every 500 entries), and measures the room's history as it ages; the setup alone is measured the
 * same way and taken off, so the figures are what the edits cost.
 */
export async function diskPer1000(content: {
  setup: Uint8Array[];
  edits: Uint8Array[];
}): Promise<DiskFigures> {
  const measure = async (updates: Uint8Array[], history: boolean) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-history-disk-'));
    try {
      const start = Date.UTC(2026, 0, 5, 8, 0);
      const clock = manualClock(start);
      const store = await LevelDocStore.open(dir, { now: () => clock.now(), history });
      const service = new History({ store, clock, tiers: DEFAULT_HISTORY_TIERS, logger: silentLogger });
      const doc = new Y.Doc();
      for (const [i, update] of updates.entries()) {
        clock.set(start + Math.floor((i * 10 * HOUR) / updates.length));
        await store.append('room', update);
        Y.applyUpdate(doc, update);
        if ((i + 1) % 500 === 0) await store.replace('room', Y.encodeStateAsUpdate(doc));
      }
      await store.replace('room', Y.encodeStateAsUpdate(doc));
      const changeTier = history ? await historyBytes(store, 'room') : 0;
      clock.set(start + 2 * DAY);
      await service.thin('room');
      const hourTier = history ? await historyBytes(store, 'room') : 0;
      clock.set(start + 40 * DAY);
      await service.thin('room');
      const dayTier = history ? await historyBytes(store, 'room') : 0;
      await store.close();
      // What stays on disk once LevelDB has compacted everything (deleted entries and tombstones go).
      const db = new ClassicLevel(dir);
      await db.open();
      await db.compactRange('\u0000', '\u007f');
      await db.close();
      return { changeTier, hourTier, dayTier, disk: levelDataBytes(dir) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const all = [...content.setup, ...content.edits];
  const [withEdits, setupOnly, off, offSetup] = [
    await measure(all, true),
    await measure(content.setup, true),
    await measure(all, false),
    await measure(content.setup, false),
  ];
  const per1000 = 1000 / content.edits.length;
  return {
    changeTier: (withEdits.changeTier - setupOnly.changeTier) * per1000,
    hourTier: (withEdits.hourTier - setupOnly.hourTier) * per1000,
    dayTier: (withEdits.dayTier - setupOnly.dayTier) * per1000,
    levelDbDelta: (withEdits.disk - setupOnly.disk - (off.disk - offSetup.disk)) * per1000,
  };
}

/** LevelDB's tables and write-ahead log in `dir` (not its text logs or manifest). */
function levelDataBytes(dir: string): number {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ldb') || name.endsWith('.log'))
    .reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

/** Microseconds per store append of small updates (one room, each awaited), history on or off. */
export async function appendMicros(updates: Uint8Array[], history: boolean): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-history-append-'));
  try {
    const store = await LevelDocStore.open(dir, { history });
    const started = performance.now();
    for (const [i, update] of updates.entries()) await store.append(`room-${i % 10}`, update);
    const micros = ((performance.now() - started) * 1000) / updates.length;
    await store.close();
    return micros;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
