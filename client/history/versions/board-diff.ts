/**
 * What changed on a board since a version (B16.1), from two snapshots `readBoard` gave: the version's and
 * now's. A card is added since when it is shown now and was not then, removed since when it was shown then
 * and is not now (in the trash, purged or archived), moved when it is shown in both in different columns,
 * changed when its title, due date, labels or assignees differ.
 */
import type { BoardSnapshot, CardSnapshot } from '../../../shared/board';

export type CardChange = 'removed' | 'moved' | 'changed' | 'same';

export interface BoardDiff {
  /** For each card shown in the version: how it differs now. */
  readonly byCard: ReadonlyMap<string, CardChange>;
  /** Cards shown now that the version did not show, in now's column order. */
  readonly added: readonly CardSnapshot[];
  /** Where a moved card is now (its column's title). */
  readonly movedTo: ReadonlyMap<string, string>;
  /** How many cards of the version differ now, and how many were added. */
  readonly counts: {
    readonly removed: number;
    readonly moved: number;
    readonly changed: number;
    readonly added: number;
  };
}

function shownCards(board: BoardSnapshot): Map<string, { card: CardSnapshot; columnTitle: string }> {
  const shown = new Map<string, { card: CardSnapshot; columnTitle: string }>();
  for (const column of board.columns) {
    for (const card of column.cards) shown.set(card.id, { card, columnTitle: column.title });
  }
  return shown;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value, i) => value === b[i]);

function sameFields(a: CardSnapshot, b: CardSnapshot): boolean {
  return (
    a.title === b.title &&
    a.due === b.due &&
    sameList(a.labels, b.labels) &&
    sameList(a.assignees, b.assignees)
  );
}

export function diffBoards(then: BoardSnapshot, now: BoardSnapshot): BoardDiff {
  const before = shownCards(then);
  const after = shownCards(now);
  const byCard = new Map<string, CardChange>();
  const movedTo = new Map<string, string>();
  const counts = { removed: 0, moved: 0, changed: 0, added: 0 };
  for (const [id, { card }] of before) {
    const present = after.get(id);
    let change: CardChange;
    if (!present) change = 'removed';
    else if (present.card.columnId !== card.columnId) {
      change = 'moved';
      movedTo.set(id, present.columnTitle);
    } else change = sameFields(card, present.card) ? 'same' : 'changed';
    byCard.set(id, change);
    if (change !== 'same') counts[change]++;
  }
  const added: CardSnapshot[] = [];
  for (const [id, { card }] of after) if (!before.has(id)) added.push(card);
  counts.added = added.length;
  return { byCard, added, movedTo, counts };
}
