/**
 * Deterministic simulation: 3–5 replicas (plain Y.Docs) apply random board operations while their updates
 * travel over a fake network that delivers them late, out of order and not at all across partitions. After a
 * full sync every replica must show the same board, and the board's invariants must hold. fast-check prints
 * the seed and path of a failing run; each seed that ever failed is kept below as a named regression test.
 * Deleted cards and columns go to the trash and can be restored or purged (by hand or on expiry); every
 * change records an activity entry, and every replica must show the same feed.
 * Rules: shared/board/SPEC.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  type ActivityEntry,
  addCard,
  addColumn,
  addLabel,
  type BoardSnapshot,
  compareByOrder,
  deleteCard,
  deleteColumn,
  deleteLabel,
  initBoard,
  moveCard,
  moveColumn,
  purgeCard,
  purgeColumn,
  purgedCardIds,
  purgeExpired,
  readActivity,
  readBoard,
  renameBoard,
  renameColumn,
  restoreCard,
  restoreColumn,
  seededRandom,
  UNPLACED_COLUMN_ID,
  updateCard,
} from '../../../shared/board';
import { readCounts } from '../../../shared/board/read-cache';
import { syncAll } from './helpers';

type Op =
  | { kind: 'addCard'; r: number; col: number; index: number; title: string }
  | { kind: 'moveCard'; r: number; card: number; col: number; index: number }
  | { kind: 'retitleCard'; r: number; card: number; title: string }
  | { kind: 'setDue'; r: number; card: number; due: string | null }
  | { kind: 'archiveCard'; r: number; card: number; archived: boolean }
  | { kind: 'toggleLabel'; r: number; card: number; label: number }
  | { kind: 'deleteCard'; r: number; card: number }
  | { kind: 'addColumn'; r: number; index: number }
  | { kind: 'renameColumn'; r: number; col: number; title: string }
  | { kind: 'renameBoard'; r: number; title: string }
  | { kind: 'moveColumn'; r: number; col: number; index: number }
  | { kind: 'deleteColumn'; r: number; col: number }
  | { kind: 'restoreColumn'; r: number; col: number }
  | { kind: 'addLabel'; r: number }
  | { kind: 'deleteLabel'; r: number; label: number }
  | { kind: 'restoreCard'; r: number; card: number }
  | { kind: 'purge'; r: number; item: number }
  | { kind: 'expire'; r: number }
  | { kind: 'deliver'; from: number; to: number; pick: number }
  | { kind: 'deliverAll'; from: number; to: number }
  | { kind: 'partition'; mask: number }
  | { kind: 'heal' };

interface Scenario {
  replicas: number;
  /** Replicas that run initBoard before hearing from anyone (at least replica 0). */
  initialisers: boolean[];
  seeds: number[];
  ops: Op[];
}

const small = fc.nat({ max: 7 });
const replicaIndex = fc.nat({ max: 4 });
const titleArb = fc.constantFrom('a', 'b', 'c', 'd', 'e');

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('addCard' as const),
      r: replicaIndex,
      col: small,
      index: small,
      title: titleArb,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('moveCard' as const),
      r: replicaIndex,
      card: small,
      col: small,
      index: small,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('retitleCard' as const),
      r: replicaIndex,
      card: small,
      title: titleArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('setDue' as const),
      r: replicaIndex,
      card: small,
      due: fc.constantFrom(null, '2030-01-01', '2030-06-15'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('archiveCard' as const),
      r: replicaIndex,
      card: small,
      archived: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('toggleLabel' as const),
      r: replicaIndex,
      card: small,
      label: small,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deleteCard' as const), r: replicaIndex, card: small }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('addColumn' as const), r: replicaIndex, index: small }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('renameBoard' as const),
      r: replicaIndex,
      title: titleArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('renameColumn' as const),
      r: replicaIndex,
      col: small,
      title: titleArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('moveColumn' as const),
      r: replicaIndex,
      col: small,
      index: small,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deleteColumn' as const), r: replicaIndex, col: small }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('restoreColumn' as const), r: replicaIndex, col: small }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('addLabel' as const), r: replicaIndex }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deleteLabel' as const), r: replicaIndex, label: small }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('restoreCard' as const), r: replicaIndex, card: small }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('purge' as const), r: replicaIndex, item: small }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), r: replicaIndex }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      from: replicaIndex,
      to: replicaIndex,
      pick: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('deliverAll' as const), from: replicaIndex, to: replicaIndex }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partition' as const), mask: fc.nat({ max: 31 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('heal' as const) }) },
);

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 3, max: 5 }).chain((replicas) =>
  fc.record({
    replicas: fc.constant(replicas),
    initialisers: fc.array(fc.boolean(), { minLength: replicas, maxLength: replicas }),
    // Distinct seeds: replicas sharing one would generate the same ids, which real clients never do.
    seeds: fc.uniqueArray(fc.nat(), { minLength: replicas, maxLength: replicas }),
    ops: fc.array(opArb, { minLength: 10, maxLength: 80, size: 'max' }),
  }),
);

/** Values each card field was set to after creation, across all replicas: what the final state may show. */
interface CardHistory {
  createdIn: string;
  title: string;
  moves: string[];
  titles: string[];
  dues: (string | null)[];
  archives: boolean[];
}

interface Outcome {
  boards: BoardSnapshot[];
  feeds: ActivityEntry[][];
  purged: string[][];
  created: Set<string>;
  /** Cards moved to the trash (alone or with their column) by any replica. */
  deleted: Set<string>;
  /** Cards some replica restored (alone or with their column) after seeing them in the trash. */
  restored: Set<string>;
  history: Map<string, CardHistory>;
  /** Entries the changes recorded, by kind: unique ids counted once each, fixed ids once in all. */
  entries: Map<string, number>;
  fixedIds: Set<string>;
}

function simulate(scenario: Scenario): Outcome {
  const n = scenario.replicas;
  const docs = Array.from({ length: n }, (_, i) => {
    const doc = new Y.Doc();
    doc.clientID = i + 1;
    return doc;
  });
  const opts = docs.map((_, i) => {
    let now = 1_700_000_000_000 + i;
    return { random: seededRandom(scenario.seeds[i] ?? i), clock: () => (now += 1000), actor: `user${i}` };
  });
  // queues[from][to]: local updates of `from` not yet delivered to `to`.
  const queues = docs.map(() => docs.map(() => [] as Uint8Array[]));
  docs.forEach((doc, from) => {
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return;
      for (let to = 0; to < n; to++) if (to !== from) queues[from]![to]!.push(update);
    });
  });
  let partition = 0;
  const linked = (a: number, b: number) => ((partition >> a) & 1) === ((partition >> b) & 1);

  const created = new Set<string>();
  const deleted = new Set<string>();
  const restored = new Set<string>();
  const history = new Map<string, CardHistory>();
  const entries = new Map<string, number>();
  const fixedIds = new Set<string>();
  const recorded = (kind: string, n = 1) => entries.set(kind, (entries.get(kind) ?? 0) + n);

  scenario.initialisers.forEach((init, i) => {
    if (init || i === 0) initBoard(docs[i]!, { title: `Board ${i}`, createdBy: `user${i}` }, opts[i]);
  });
  fixedIds.add('board-created');

  const pickCard = (board: BoardSnapshot, k: number) => {
    const ids = [...board.cards.keys()].sort();
    return ids.length ? ids[k % ids.length]! : null;
  };
  const pickColumn = (board: BoardSnapshot, k: number) =>
    board.columns.length ? board.columns[k % board.columns.length]! : null;
  const pickTarget = (board: BoardSnapshot, k: number) => {
    const columns = board.columns.filter((c) => c.id !== UNPLACED_COLUMN_ID);
    return columns.length ? columns[k % columns.length]! : null;
  };
  const trashedCardIds = (board: BoardSnapshot) =>
    board.trash.flatMap((item) => (item.kind === 'card' ? [item.card.id] : item.cards.map((c) => c.id)));

  // B12.1: a replica's board read after each step from its last reading (patched where only cards changed)
  // equals the board read from scratch out of the same state.
  const lastRead: (BoardSnapshot | undefined)[] = docs.map(() => undefined);
  const readChecked = (i: number) => {
    const doc = docs[i]!;
    const read = readBoard(doc, lastRead[i]);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    expect(read).toEqual(readBoard(copy));
    lastRead[i] = read;
  };

  for (const op of scenario.ops) {
    if (op.kind === 'deliver' || op.kind === 'deliverAll') {
      const from = op.from % n;
      const to = op.to % n;
      if (from === to || !linked(from, to)) continue;
      const queue = queues[from]![to]!;
      if (op.kind === 'deliverAll') {
        for (const update of queue.splice(0)) Y.applyUpdate(docs[to]!, update, 'remote');
      } else if (queue.length > 0) {
        const [update] = queue.splice(op.pick % queue.length, 1);
        Y.applyUpdate(docs[to]!, update!, 'remote');
      }
      readChecked(to);
      continue;
    }
    if (op.kind === 'partition') {
      partition = op.mask;
      continue;
    }
    if (op.kind === 'heal') {
      partition = 0;
      continue;
    }
    const r = op.r % n;
    const doc = docs[r]!;
    const o = opts[r]!;
    readChecked(r);
    const board = readBoard(doc);
    switch (op.kind) {
      case 'addCard': {
        const column = pickTarget(board, op.col);
        if (!column) break;
        const id = addCard(
          doc,
          { columnId: column.id, title: op.title, createdBy: `user${r}`, index: op.index },
          o,
        );
        created.add(id);
        recorded('card.added');
        history.set(id, {
          createdIn: column.id,
          title: op.title,
          moves: [],
          titles: [],
          dues: [],
          archives: [],
        });
        break;
      }
      case 'moveCard': {
        const card = pickCard(board, op.card);
        const column = pickTarget(board, op.col);
        if (card && column && moveCard(doc, card, { columnId: column.id, index: op.index }, o)) {
          history.get(card)!.moves.push(column.id);
          recorded('card.moved');
        }
        break;
      }
      case 'retitleCard': {
        const card = pickCard(board, op.card);
        if (card && updateCard(doc, card, { title: op.title }, o)) {
          history.get(card)!.titles.push(op.title);
          recorded('card.renamed');
        }
        break;
      }
      case 'setDue': {
        const card = pickCard(board, op.card);
        if (card && updateCard(doc, card, { due: op.due }, o)) {
          history.get(card)!.dues.push(op.due);
          recorded('card.due');
        }
        break;
      }
      case 'archiveCard': {
        const card = pickCard(board, op.card);
        if (card && updateCard(doc, card, { archived: op.archived }, o)) {
          history.get(card)!.archives.push(op.archived);
          recorded(op.archived ? 'card.archived' : 'card.unarchived');
        }
        break;
      }
      case 'toggleLabel': {
        const card = pickCard(board, op.card);
        const label = board.labels.length ? board.labels[op.label % board.labels.length]! : null;
        if (!card || !label) break;
        const labels = board.cards.get(card)!.labels;
        const next = labels.includes(label.id) ? labels.filter((l) => l !== label.id) : [...labels, label.id];
        if (updateCard(doc, card, { labels: next }, o)) recorded('card.labels');
        break;
      }
      case 'deleteCard': {
        const card = pickCard(board, op.card);
        if (card && deleteCard(doc, card, o)) {
          deleted.add(card);
          recorded('card.deleted');
        }
        break;
      }
      case 'addColumn':
        addColumn(doc, { title: 'new', index: op.index }, o);
        recorded('column.added');
        break;
      case 'renameBoard': {
        if (renameBoard(doc, op.title, o)) recorded('board.renamed');
        break;
      }
      case 'renameColumn': {
        const column = pickColumn(board, op.col);
        if (column && renameColumn(doc, column.id, op.title, o)) recorded('column.renamed');
        break;
      }
      case 'moveColumn': {
        const column = pickColumn(board, op.col);
        if (column && moveColumn(doc, column.id, op.index, o)) recorded('column.moved');
        break;
      }
      case 'deleteColumn': {
        const column = pickColumn(board, op.col);
        const result = column ? deleteColumn(doc, column.id, o) : null;
        for (const id of result?.deletedCardIds ?? []) deleted.add(id);
        if (result) recorded('column.deleted');
        break;
      }
      case 'restoreColumn': {
        // A shown column (resurrected ones can be restored) or one from the trash.
        const shown = board.columns.filter((c) => c.resurrected);
        const trashed = board.trash.filter((item) => item.kind === 'column');
        const choices = [...shown.map((c) => c.id), ...trashed.map((item) => item.id)];
        const columnId = choices.length ? choices[op.col % choices.length]! : pickColumn(board, op.col)?.id;
        if (!columnId) break;
        // Over-approximates what comes back: every trashed card of the column, however it is listed.
        const inColumn = board.trash.flatMap((item) =>
          item.kind === 'column'
            ? item.id === columnId
              ? item.cards.map((c) => c.id)
              : []
            : item.card.columnId === columnId
              ? [item.card.id]
              : [],
        );
        if (restoreColumn(doc, columnId, o)) {
          for (const id of inColumn) restored.add(id);
          recorded('column.restored');
        }
        break;
      }
      case 'addLabel':
        addLabel(doc, { name: `l${r}`, color: '#1c7ed6' }, o);
        recorded('label.added');
        break;
      case 'deleteLabel': {
        const label = board.labels.length ? board.labels[op.label % board.labels.length]! : null;
        if (label && deleteLabel(doc, label.id, o)) recorded('label.deleted');
        break;
      }
      case 'restoreCard': {
        const ids = trashedCardIds(board).sort();
        const card = ids.length ? ids[op.card % ids.length]! : null;
        if (!card || !restoreCard(doc, card, o)) break;
        restored.add(card);
        recorded('card.restored');
        const after = readBoard(doc).cards.get(card)!;
        const h = history.get(card)!;
        if (after.columnId !== (h.moves.at(-1) ?? h.createdIn)) h.moves.push(after.columnId);
        break;
      }
      case 'purge': {
        const item = board.trash.length ? board.trash[op.item % board.trash.length]! : null;
        if (item?.kind === 'card' && purgeCard(doc, item.id, o)) recorded('card.purged');
        if (item?.kind === 'column' && purgeColumn(doc, item.id, o)) recorded('column.purged');
        break;
      }
      case 'expire': {
        // Far enough ahead that everything in the trash has expired.
        const later = { ...o, clock: () => o.clock() + 31 * 24 * 60 * 60 * 1000 };
        const result = purgeExpired(doc, later);
        for (const id of result.columnIds) fixedIds.add(`expired-${id}`);
        const withColumns = new Set(
          board.trash.flatMap((item) => (item.kind === 'column' ? item.cards.map((c) => c.id) : [])),
        );
        for (const id of result.cardIds) if (!withColumns.has(id)) fixedIds.add(`expired-${id}`);
        break;
      }
    }
  }

  syncAll(...docs);
  for (const doc of docs) expect(doc.store.pendingStructs).toBeNull();
  return {
    boards: docs.map((doc) => readBoard(doc)),
    feeds: docs.map((doc) => readActivity(doc)),
    purged: docs.map((doc) => purgedCardIds(doc)),
    created,
    deleted,
    restored,
    history,
    entries,
    fixedIds,
  };
}

let tiesSeen = 0;
let resurrectedSeen = 0;
let multiMovesSeen = 0;
let restoresSeen = 0;
let purgesSeen = 0;

function checkInvariants(outcome: Outcome): void {
  const { boards, created, deleted, restored, history } = outcome;
  const board = boards[0]!;
  // Convergence: every replica shows the same board.
  for (const other of boards.slice(1)) expect(other).toEqual(board);

  // [B15.1][B15.3][B15.4] Every card ever created is in exactly one place: on the board (shown or archived),
  // in the trash (listed once) or purged. Never deleted: on the board. Deleted and never restored: not on it.
  const live = [...board.cards.keys()];
  const trashed = board.trash.flatMap((item) =>
    item.kind === 'card' ? [item.card.id] : item.cards.map((c) => c.id),
  );
  const purged = outcome.purged[0]!;
  for (const other of outcome.purged.slice(1)) expect(other).toEqual(purged);
  const all = [...live, ...trashed, ...purged];
  expect(new Set(all).size).toBe(all.length);
  expect(all.sort()).toEqual([...created].sort());
  for (const id of created) if (!deleted.has(id)) expect(live).toContain(id);
  for (const id of live) if (deleted.has(id)) expect(restored.has(id)).toBe(true);
  for (const id of live) if (restored.has(id)) restoresSeen++;
  purgesSeen += purged.length;

  // [B14.1][B14.2] Every replica shows the same feed; each change kept its own entry (events recorded by
  // several replicas under one fixed id once), and nothing else is in it.
  const feed = outcome.feeds[0]!;
  for (const other of outcome.feeds.slice(1)) expect(other).toEqual(feed);
  expect(new Set(feed.map((e) => e.id)).size).toBe(feed.length);
  const unique = feed.filter((e) => !outcome.fixedIds.has(e.id));
  const counted = new Map<string, number>();
  for (const entry of unique) counted.set(entry.kind, (counted.get(entry.kind) ?? 0) + 1);
  expect(Object.fromEntries(counted)).toEqual(Object.fromEntries(outcome.entries));
  expect(feed.filter((e) => e.kind === 'board.created')).toHaveLength(1);
  for (const entry of feed) expect(entry.by).toMatch(/^user\d$/);
  for (let i = 1; i < feed.length; i++) expect(feed[i - 1]!.at).toBeGreaterThanOrEqual(feed[i]!.at);

  // Every non-archived card shown exactly once, in the column it names; archived ones only in the archive.
  const seen = new Map<string, number>();
  for (const column of board.columns) {
    for (const card of column.cards) {
      seen.set(card.id, (seen.get(card.id) ?? 0) + 1);
      expect(card.columnId).toBe(column.id);
      expect(card.archived).toBe(false);
    }
    // A column is shown deleted only while it holds cards (moved in concurrently with its deletion).
    if (column.resurrected) {
      expect(column.cards.length).toBeGreaterThan(0);
      resurrectedSeen++;
    }
    expect(column.placeholder).toBe(false);
  }
  for (const card of board.archivedCards) {
    expect(seen.has(card.id)).toBe(false);
    expect(card.archived).toBe(true);
  }
  for (const card of board.cards.values()) {
    if (!card.archived) expect(seen.get(card.id)).toBe(1);
  }
  const columnIds = board.columns.map((c) => c.id);
  expect(new Set(columnIds).size).toBe(columnIds.length);

  // Concurrent edits of different fields all survive; a field written once after creation shows that write.
  for (const card of board.cards.values()) {
    const h = history.get(card.id)!;
    if (h.moves.length > 1) multiMovesSeen++;
    expectWritten(card.columnId, h.createdIn, h.moves);
    expectWritten(card.title, h.title, h.titles);
    expectWritten(card.due, null, h.dues);
    expectWritten(card.archived, false, h.archives);
    for (const label of card.labels) expect(board.labels.some((l) => l.id === label)).toBe(true);
  }

  // Stable total order: strictly increasing by (order, id), the same on every replica (checked above).
  const strictlySorted = (items: readonly { id: string; order: string }[]) => {
    for (let i = 1; i < items.length; i++) {
      expect(compareByOrder(items[i - 1]!, items[i]!)).toBeLessThan(0);
      if (items[i - 1]!.order === items[i]!.order) tiesSeen++;
    }
  };
  strictlySorted(board.columns);
  for (const column of board.columns) strictlySorted(column.cards);
}

function expectWritten<T>(actual: T, initial: T, writes: T[]): void {
  if (writes.length === 0) expect(actual).toEqual(initial);
  else if (writes.length === 1) expect(actual).toEqual(writes[0]);
  else expect(writes).toContainEqual(actual);
}

/** Raise for a longer search: BOARD_FUZZ_RUNS=20000 npx vitest run test/unit/board */
const RUNS = Number(process.env.BOARD_FUZZ_RUNS ?? 300);
const property = fc.property(scenarioArb, (scenario) => checkInvariants(simulate(scenario)));

describe('board convergence under concurrent edits (property)', () => {
  it(
    '[B2][B3][B5][B6][B12.1][B14.1][B14.2][B15.1][B15.3][B15.4] replicas converge and keep the invariants (board, trash, feed) for random operations, delays, reorderings and partitions',
    () => {
      const started = performance.now();
      fc.assert(property, { numRuns: RUNS });
      const ms = performance.now() - started;
      // Concurrent inserts at one place must have produced equal keys, or the tie path went untested.
      // The interesting cases must actually occur, or the invariants were checked on easy boards only.
      expect(tiesSeen).toBeGreaterThan(0);
      expect(resurrectedSeen).toBeGreaterThan(0);
      expect(multiMovesSeen).toBeGreaterThan(0);
      expect(restoresSeen).toBeGreaterThan(0);
      expect(purgesSeen).toBeGreaterThan(0);
      // Both ways of reading were compared with a read from scratch (B12.1).
      expect(readCounts.patched).toBeGreaterThan(RUNS);
      expect(readCounts.whole).toBeGreaterThan(RUNS);
      console.info(
        `board convergence: ${RUNS} runs in ${Math.round(ms)} ms; seen ${tiesSeen} tied keys, ` +
          `${resurrectedSeen} resurrected columns, ${multiMovesSeen} cards moved more than once, ` +
          `${restoresSeen} restored cards, ${purgesSeen} purged cards`,
      );
    },
    Math.max(60_000, RUNS * 40),
  );
});

/** Shrunk counterexamples of seeds that once failed, kept as data so they survive changes to the generators. */
const REGRESSIONS: Record<string, Scenario> = {
  // Seed -423724965. A move's new position arrived after the old one's deletion (the move came after a column
  // update whose column had not arrived), so the card briefly had no position and was shown in the
  // "unplaced" placeholder; a card added there stayed stranded in a column that never existed. Fixed by
  // refusing that placeholder as a target (addCard/moveCard throw).
  'a card added while another had no position is not stranded': {
    replicas: 3,
    initialisers: [false, false, false],
    seeds: [0, 394625256, 1],
    ops: [
      { kind: 'deliver', from: 0, to: 4, pick: 0 },
      { kind: 'addCard', r: 1, col: 0, index: 0, title: 'a' },
      { kind: 'moveColumn', r: 1, col: 1, index: 0 },
      { kind: 'moveCard', r: 4, card: 0, col: 2, index: 0 },
      { kind: 'deliverAll', from: 1, to: 2 },
      { kind: 'addCard', r: 2, col: 0, index: 0, title: 'a' },
    ],
  },
};

describe('board convergence regressions (seeds that once failed)', () => {
  for (const [name, scenario] of Object.entries(REGRESSIONS)) {
    it(name, () => checkInvariants(simulate(scenario)));
  }
});
