/**
 * The board's trash as readBoard shows it (B15.1): columns deleted with their cards, and cards deleted on
 * their own, newest first. A card deleted with a column that is no longer in the trash (a peer restored the
 * column while another deleted the card again) is listed on its own, so every trashed card is listed once.
 */
import { compareByOrder } from './order';
import type { CardSnapshot } from './read';
import type { TrashRecord } from './schema';

export interface TrashedCard {
  readonly kind: 'card';
  readonly id: string;
  readonly deletedBy: string;
  /** Milliseconds since the epoch. */
  readonly deletedAt: number;
  readonly card: CardSnapshot;
  /** The title of the column it was in ('' if unknown here). */
  readonly columnTitle: string;
}

export interface TrashedColumn {
  readonly kind: 'column';
  readonly id: string;
  readonly title: string;
  readonly deletedBy: string;
  readonly deletedAt: number;
  /** The cards deleted with it, in their order. */
  readonly cards: readonly CardSnapshot[];
}

export type TrashItem = TrashedCard | TrashedColumn;

export function buildTrash(
  columns: ReadonlyMap<string, { title: string; trashed: TrashRecord | null; deleted: boolean }>,
  cards: readonly { card: CardSnapshot; record: TrashRecord }[],
): TrashItem[] {
  const withColumn = new Map<string, CardSnapshot[]>();
  const items: TrashItem[] = [];
  for (const { card, record } of cards) {
    const column = record.column === null ? undefined : columns.get(record.column);
    if (record.column !== null && column?.trashed && column.deleted) {
      const list = withColumn.get(record.column);
      if (list) list.push(card);
      else withColumn.set(record.column, [card]);
      continue;
    }
    items.push({
      kind: 'card',
      id: card.id,
      deletedBy: record.by,
      deletedAt: record.at,
      card,
      columnTitle: columns.get(card.columnId)?.title ?? '',
    });
  }
  for (const [id, column] of columns) {
    if (!column.trashed || !column.deleted) continue;
    items.push({
      kind: 'column',
      id,
      title: column.title,
      deletedBy: column.trashed.by,
      deletedAt: column.trashed.at,
      cards: (withColumn.get(id) ?? []).sort(compareByOrder),
    });
  }
  return items.sort((a, b) => b.deletedAt - a.deletedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `next` with the objects of `prev` kept where nothing changed (cards are compared by identity). */
export function shareTrash(
  prev: readonly TrashItem[],
  next: readonly TrashItem[],
  pick: (card: CardSnapshot) => CardSnapshot,
): readonly TrashItem[] {
  const old = new Map(prev.map((item) => [`${item.kind}:${item.id}`, item]));
  const shared = next.map((item): TrashItem => {
    const before = old.get(`${item.kind}:${item.id}`);
    if (item.kind === 'card') {
      const card = pick(item.card);
      if (
        before?.kind === 'card' &&
        before.card === card &&
        before.deletedBy === item.deletedBy &&
        before.deletedAt === item.deletedAt &&
        before.columnTitle === item.columnTitle
      )
        return before;
      return { ...item, card };
    }
    const cards = item.cards.map(pick);
    if (
      before?.kind === 'column' &&
      before.title === item.title &&
      before.deletedBy === item.deletedBy &&
      before.deletedAt === item.deletedAt &&
      before.cards.length === cards.length &&
      before.cards.every((card, i) => card === cards[i])
    )
      return before;
    return { ...item, cards };
  });
  return shared.length === prev.length && shared.every((item, i) => item === prev[i]) ? prev : shared;
}
