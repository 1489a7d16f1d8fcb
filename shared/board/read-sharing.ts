/**
 * Structural sharing between two readings of a board: what did not change keeps its object, so React
 * components memoised on a card, a column or a list skip re-rendering.
 */
import { sameSummary } from '../description-preview';
import type { BoardSnapshot, CardSnapshot } from './read';
import { shareTrash } from './read-trash';

export function shareUnchanged(prev: BoardSnapshot, next: BoardSnapshot): BoardSnapshot {
  // The card cache already hands back the previous object for every card that did not change, so on a big
  // board this is mostly identity checks: copies are made only where a rebuilt card equals its old one.
  let cardsSame = prev.cards.size === next.cards.size;
  let equalRebuilt: Map<string, CardSnapshot> | null = null;
  for (const [id, card] of next.cards) {
    const old = prev.cards.get(id);
    if (old === card) continue;
    if (old && sameCard(old, card)) {
      equalRebuilt ??= new Map();
      equalRebuilt.set(id, old);
    } else {
      cardsSame = false;
    }
  }
  const kept = equalRebuilt;
  const cards =
    kept === null ? next.cards : new Map([...next.cards].map(([id, card]) => [id, kept.get(id) ?? card]));
  const pick = (card: CardSnapshot) => kept?.get(card.id) ?? card;
  const prevTrashed = new Map<string, CardSnapshot>();
  for (const item of prev.trash) {
    if (item.kind === 'card') prevTrashed.set(item.card.id, item.card);
    else for (const card of item.cards) prevTrashed.set(card.id, card);
  }
  const pickTrashed = (card: CardSnapshot) => {
    const old = prevTrashed.get(card.id);
    return old && (old === card || sameCard(old, card)) ? old : card;
  };
  const trash = shareTrash(prev.trash, next.trash, pickTrashed);
  const prevColumns = new Map(prev.columns.map((c) => [c.id, c]));
  const columns = next.columns.map((column) => {
    const columnCards = kept === null ? column.cards : column.cards.map(pick);
    const old = prevColumns.get(column.id);
    if (
      old &&
      old.title === column.title &&
      old.order === column.order &&
      old.resurrected === column.resurrected &&
      old.placeholder === column.placeholder &&
      sameItems(old.cards, columnCards)
    ) {
      return old;
    }
    return { ...column, cards: columnCards };
  });
  const archivedCards = kept === null ? next.archivedCards : next.archivedCards.map(pick);
  const labels = sameList(prev.labels, next.labels, sameShallow) ? prev.labels : next.labels;
  const members = sameList(prev.members, next.members, sameShallow) ? prev.members : next.members;
  const result: BoardSnapshot = {
    ...next,
    cards: cardsSame ? prev.cards : cards,
    columns: sameItems(prev.columns, columns) ? prev.columns : columns,
    archivedCards: sameItems(prev.archivedCards, archivedCards) ? prev.archivedCards : archivedCards,
    labels,
    members,
    trash,
  };
  const same =
    result.cards === prev.cards &&
    result.columns === prev.columns &&
    result.archivedCards === prev.archivedCards &&
    result.labels === prev.labels &&
    result.members === prev.members &&
    result.trash === prev.trash &&
    result.trashRetentionDays === prev.trashRetentionDays &&
    result.initialised === prev.initialised &&
    result.title === prev.title &&
    result.createdBy === prev.createdBy &&
    result.createdAt === prev.createdAt;
  return same ? prev : result;
}

export function sameCard(a: CardSnapshot, b: CardSnapshot): boolean {
  return (
    a.columnId === b.columnId &&
    a.order === b.order &&
    a.title === b.title &&
    a.due === b.due &&
    a.archived === b.archived &&
    a.createdBy === b.createdBy &&
    a.createdAt === b.createdAt &&
    sameItems(a.labels, b.labels) &&
    sameItems(a.assignees, b.assignees) &&
    sameOptional(a.descriptionPreview, b.descriptionPreview, sameSummary)
  );
}

function sameOptional<T>(a: T | null, b: T | null, same: (x: T, y: T) => boolean): boolean {
  return a === null || b === null ? a === b : same(a, b);
}

export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

export function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((item, i) => same(item, b[i] as T));
}

export function sameShallow<T extends object>(a: T, b: T): boolean {
  const keys = Object.keys(a) as (keyof T)[];
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
