/**
 * Activity feed size: `npm run bench -- --only feed-size` (or `npx tsx test/bench/feed-size.ts [--quick]
 * [--out DIR]`). Makes 100,000 changes to one board through the shared/board intents (moves, renames,
 * labels, assignees, due dates, archiving, adding, deleting to the trash, restoring, purging; a seeded
 * mix on a board of about 300 cards in 5 columns), twice from the same seed: once as the app makes them,
 * recording the feed (bounded at 2,000 entries, B14.5), and once with the feed's writes dropped (the
 * feed array's `insert` replaced on that document only). Reports the board's encoded size
 * (`Y.encodeStateAsUpdate`) both ways, what the feed adds per change, the live entries' share of it, and
 * the time per change. Writes bench-results/feed-size-<time>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as Y from 'yjs';
import {
  ACTIVITY_LIMIT,
  addCard,
  addColumn,
  addLabel,
  deleteCard,
  initBoard,
  type MutationOptions,
  moveCard,
  purgeCard,
  readActivity,
  readBoard,
  restoreCard,
  seededRandom,
  updateCard,
} from '../../shared/board';
import { machineInfo } from './proc';
import { REPO_ROOT } from './servers';

const CARDS = 300;
const COLUMNS = 5;
const MEMBERS = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay'];

interface Measurement {
  changes: number;
  bytes: number;
  ms: number;
  liveEntries: number;
  liveEntryBytes: number;
  /** One `readActivity` (what the feed panel does on each change to the feed), median of 21. */
  readMs: number;
}

/** Makes `target` changes from `seed`; `feed` false drops the feed's writes on this document. */
function measure(target: number, seed: number, feed: boolean): Measurement {
  const doc = new Y.Doc();
  doc.clientID = 1;
  if (!feed) {
    // The intents write the feed through this array's insert (activity.ts); nothing else does here.
    doc.getArray('activity').insert = () => {};
  }
  const random = seededRandom(seed);
  let now = 1_700_000_000_000;
  const opts: MutationOptions = { random, clock: () => now, actor: 'ada' };
  initBoard(doc, { title: 'Bench', createdBy: 'ada', columnTitles: [] }, opts);
  const columns = Array.from({ length: COLUMNS }, (_, i) => addColumn(doc, { title: `Column ${i}` }, opts));
  const labels = ['bug', 'ux', 'infra', 'docs'].map((name) =>
    addLabel(doc, { name, color: '#1c7ed6' }, opts),
  );
  const live: string[] = [];
  const trashed: string[] = [];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const add = () => {
    const id = addCard(
      doc,
      { columnId: pick(columns), title: `Card ${live.length}`, createdBy: pick(MEMBERS) },
      opts,
    );
    live.push(id);
    return true;
  };
  for (let i = 0; i < CARDS; i++) add();
  let changes = 0;
  const started = performance.now();
  for (let attempt = 0; changes < target && attempt < target * 3; attempt++) {
    now += 5_000;
    opts.actor = pick(MEMBERS);
    const roll = random();
    const card = pick(live);
    let changed = false;
    if (roll < 0.4) {
      changed = moveCard(doc, card, { columnId: pick(columns), index: Math.floor(random() * 60) }, opts);
    } else if (roll < 0.55) {
      changed = updateCard(doc, card, { title: `Card ${Math.floor(random() * 1e6)}` }, opts);
    } else if (roll < 0.65) {
      const current = readBoard(doc).cards.get(card)?.labels ?? [];
      const label = pick(labels);
      const next = current.includes(label) ? current.filter((l) => l !== label) : [...current, label];
      changed = updateCard(doc, card, { labels: next }, opts);
    } else if (roll < 0.7) {
      changed = updateCard(doc, card, { assignees: [pick(MEMBERS)] }, opts);
    } else if (roll < 0.75) {
      const due =
        random() < 0.5 ? null : `2030-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
      changed = updateCard(doc, card, { due }, opts);
    } else if (roll < 0.8) {
      changed = updateCard(doc, card, { archived: random() < 0.3 }, opts);
    } else if (roll < 0.87) {
      changed = live.length < CARDS * 1.2 ? add() : false;
    } else if (roll < 0.93) {
      if (live.length > CARDS * 0.8 && deleteCard(doc, card, opts)) {
        live.splice(live.indexOf(card), 1);
        trashed.push(card);
        changed = true;
      }
    } else if (roll < 0.97) {
      const back = trashed.length > 0 ? pick(trashed) : null;
      if (back && restoreCard(doc, back, opts)) {
        trashed.splice(trashed.indexOf(back), 1);
        live.push(back);
        changed = true;
      }
    } else {
      const gone = trashed.length > 0 ? trashed[0] : null;
      if (gone && purgeCard(doc, gone, opts)) {
        trashed.shift();
        changed = true;
      }
    }
    if (changed) changes++;
  }
  const ms = performance.now() - started;
  // The kept entries on their own: the same stored items in a fresh document.
  const alone = new Y.Doc();
  alone.getArray('activity').push(feed ? doc.getArray('activity').toArray() : []);
  const reads: number[] = [];
  for (let i = 0; i < 21; i++) {
    const readStarted = performance.now();
    readActivity(doc);
    reads.push(performance.now() - readStarted);
  }
  return {
    readMs: reads.sort((a, b) => a - b)[10] ?? 0,
    changes,
    bytes: Y.encodeStateAsUpdate(doc).byteLength,
    ms,
    liveEntries: feed ? readActivity(doc).length : 0,
    liveEntryBytes: Y.encodeStateAsUpdate(alone).byteLength,
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      out: { type: 'string', default: 'bench-results' },
      seed: { type: 'string', default: '1' },
    },
  });
  const target = values.quick ? 10_000 : 100_000;
  const seed = Number(values.seed);
  const without = measure(target, seed, false);
  const withFeed = measure(target, seed, true);
  if (withFeed.changes !== without.changes) throw new Error('the two runs made different changes');
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  const perChange = (withFeed.bytes - without.bytes) / withFeed.changes;
  const tombstones = withFeed.bytes - without.bytes - withFeed.liveEntryBytes;
  const pruned = withFeed.changes + CARDS + COLUMNS + 5 - withFeed.liveEntries;
  const rows = [
    ['', 'without feed', 'with feed'],
    ['changes', String(without.changes), String(withFeed.changes)],
    ['encoded board', kib(without.bytes), kib(withFeed.bytes)],
    [
      'time per change',
      `${((without.ms * 1000) / without.changes).toFixed(0)} µs`,
      `${((withFeed.ms * 1000) / withFeed.changes).toFixed(0)} µs`,
    ],
    ['reading the feed', '-', `${withFeed.readMs.toFixed(2)} ms`],
    [
      'feed entries kept',
      '-',
      `${withFeed.liveEntries} (limit ${ACTIVITY_LIMIT}), ${kib(withFeed.liveEntryBytes)} encoded`,
    ],
  ];
  const width = rows.reduce((w, row) => Math.max(w, ...row.map((cell) => cell.length)), 0);
  for (const row of rows) console.log(row.map((cell) => cell.padEnd(width)).join('  '));
  console.log(
    `the feed adds ${kib(withFeed.bytes - without.bytes)} (×${(withFeed.bytes / without.bytes).toFixed(2)}), ` +
      `${perChange.toFixed(1)} bytes per change: the kept entries and about ` +
      `${(tombstones / Math.max(1, pruned)).toFixed(1)} bytes per pruned one`,
  );
  const outDir = path.resolve(REPO_ROOT, values.out);
  mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `feed-size-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    outFile,
    `${JSON.stringify({ machine: machineInfo(), quick: values.quick, seed, without, withFeed, perChange, tombstonePerPruned: tombstones / Math.max(1, pruned) }, null, 2)}\n`,
  );
  console.log(`results: ${path.relative(REPO_ROOT, outFile)}`);
}

main();
