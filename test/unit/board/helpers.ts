import fc from 'fast-check';
import * as Y from 'yjs';
import {
  addCard,
  addColumn,
  deleteCard,
  deleteColumn,
  type MutationOptions,
  moveCard,
  readBoard,
  renameColumn,
  restoreCard,
  restoreColumn,
  seededRandom,
  updateCard,
} from '../../../shared/board';

/** A replica with a fixed clientID (Yjs breaks last-writer-wins ties by it) and seeded ids. */
export function replica(clientId: number, seed = clientId): { doc: Y.Doc; opts: MutationOptions } {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  let now = 1_700_000_000_000;
  return { doc, opts: { random: seededRandom(seed), clock: () => (now += 1000) } };
}

/** Brings every doc up to date with every other. */
export function syncAll(...docs: Y.Doc[]): void {
  for (const from of docs) {
    for (const to of docs) {
      if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'remote');
    }
  }
}

/** A replica acting as `actor`, its clock offset by its clientID so two replicas never stamp the same time. */
export function actingReplica(
  clientId: number,
  actor: string,
  origin?: unknown,
): { doc: Y.Doc; opts: MutationOptions } {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  let now = 1_700_000_000_000 + clientId;
  return { doc, opts: { random: seededRandom(clientId), clock: () => (now += 1000), actor, origin } };
}

/** A random board intent for property tests; `k` and `to` pick among what the board has at that moment. */
export type BoardIntent =
  | { kind: 'addCard' | 'deleteCard' | 'restoreCard' | 'archive'; k: number }
  | { kind: 'moveCard'; k: number; to: number }
  | { kind: 'retitle' | 'renameColumn'; k: number; title: string }
  | { kind: 'addColumn' }
  | { kind: 'deleteColumn' | 'restoreColumn'; k: number };

/** Random board intents, weighted towards card work; archiving only where a property asks for it. */
export function boardIntentArb(options: { archive?: boolean } = {}): fc.Arbitrary<BoardIntent> {
  const k = fc.nat({ max: 9 });
  const title = fc.constantFrom('a', 'b', 'c');
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('addCard' as const), k }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('moveCard' as const), k, to: k }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('retitle' as const), k, title }) },
    ...(options.archive
      ? [{ weight: 1, arbitrary: fc.record({ kind: fc.constant('archive' as const), k }) }]
      : []),
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteCard' as const), k }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restoreCard' as const), k }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('addColumn' as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('renameColumn' as const), k, title }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteColumn' as const), k }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('restoreColumn' as const), k }) },
  );
}

/**
 * Runs one intent against the board as this replica sees it (a no-op when there is nothing to act on).
 * `keepOneColumn` leaves the last column standing, for properties about a board that still shows one.
 */
export function applyIntent(
  doc: Y.Doc,
  opts: MutationOptions,
  intent: BoardIntent,
  options: { keepOneColumn?: boolean } = {},
): void {
  const board = readBoard(doc);
  const pick = <T>(list: readonly T[], i: number): T | undefined => list[i % Math.max(1, list.length)];
  const cards = [...board.cards.keys()].sort();
  const columns = board.columns.filter((c) => !c.placeholder);
  switch (intent.kind) {
    case 'addCard': {
      const column = pick(columns, intent.k);
      if (column) addCard(doc, { columnId: column.id, title: 'x', createdBy: String(opts.actor) }, opts);
      return;
    }
    case 'moveCard': {
      const card = pick(cards, intent.k);
      const column = pick(columns, intent.to);
      if (card && column) moveCard(doc, card, { columnId: column.id, index: intent.to }, opts);
      return;
    }
    case 'retitle': {
      const card = pick(cards, intent.k);
      if (card) updateCard(doc, card, { title: intent.title }, opts);
      return;
    }
    case 'archive': {
      const card = pick(cards, intent.k);
      if (card) updateCard(doc, card, { archived: !board.cards.get(card)?.archived }, opts);
      return;
    }
    case 'deleteCard': {
      const card = pick(cards, intent.k);
      if (card) deleteCard(doc, card, opts);
      return;
    }
    case 'restoreCard': {
      const trashed = board.trash.flatMap((item) =>
        item.kind === 'card' ? [item.id] : item.cards.map((c) => c.id),
      );
      const card = pick(trashed.sort(), intent.k);
      if (card) restoreCard(doc, card, opts);
      return;
    }
    case 'addColumn':
      addColumn(doc, { title: 'new' }, opts);
      return;
    case 'renameColumn': {
      const column = pick(columns, intent.k);
      if (column) renameColumn(doc, column.id, intent.title, opts);
      return;
    }
    case 'deleteColumn': {
      const column = pick(columns, intent.k);
      if (column && (!options.keepOneColumn || columns.length > 1)) deleteColumn(doc, column.id, opts);
      return;
    }
    case 'restoreColumn': {
      const deleted = board.trash.flatMap((item) => (item.kind === 'column' ? [item.id] : []));
      const column = pick(deleted, intent.k);
      if (column) restoreColumn(doc, column, opts);
      return;
    }
  }
}
