/** One card of the board document as the UI sees it (read.ts assembles the board from these). */
import type * as Y from 'yjs';
import type { CardSnapshot } from './read';
import {
  ASSIGNEE_KEY_PREFIX,
  DESCRIPTION_PREVIEW_KEY,
  LABEL_KEY_PREFIX,
  numberField,
  readDescriptionPreview,
  type StoredPos,
  stringField,
} from './schema';

export function readCard(
  id: string,
  card: Y.Map<unknown>,
  pos: StoredPos | null,
  fallback: string,
  labelRank: ReadonlyMap<string, number>,
): CardSnapshot {
  const cardLabels: string[] = [];
  const assignees: string[] = [];
  for (const key of card.keys()) {
    if (card.get(key) !== true) continue;
    if (key.startsWith(LABEL_KEY_PREFIX)) {
      const labelId = key.slice(LABEL_KEY_PREFIX.length);
      if (labelRank.has(labelId)) cardLabels.push(labelId);
    } else if (key.startsWith(ASSIGNEE_KEY_PREFIX)) {
      assignees.push(key.slice(ASSIGNEE_KEY_PREFIX.length));
    }
  }
  cardLabels.sort((a, b) => (labelRank.get(a) ?? 0) - (labelRank.get(b) ?? 0));
  assignees.sort(compareText);
  const due = card.get('due');
  return {
    id,
    columnId: pos?.column ?? fallback,
    order: pos?.order ?? '',
    title: stringField(card, 'title'),
    labels: cardLabels,
    assignees,
    due: typeof due === 'string' && isIsoDate(due) ? due : null,
    archived: card.get('archived') === true,
    createdBy: stringField(card, 'createdBy'),
    createdAt: numberField(card, 'createdAt') ?? 0,
    descriptionPreview: readDescriptionPreview(card.get(DESCRIPTION_PREVIEW_KEY)),
  };
}

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A calendar date as `YYYY-MM-DD` (no time, no zone: a due day means the same day everywhere). */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
