/**
 * The board filter: by text, label, assignee and due date. It lives in the URL (`?q=…&label=…&assignee=…&due=…`)
 * so a filtered board can be shared as a link; labels and assignees are named by id, which never changes.
 */
import type { BoardSnapshot, CardSnapshot } from '../../shared/board';

export type DueFilter = 'overdue' | 'week';

export interface CardFilter {
  text: string;
  labelId: string | null;
  assigneeId: string | null;
  due: DueFilter | null;
}

export const NO_FILTER: CardFilter = { text: '', labelId: null, assigneeId: null, due: null };

const PARAMS = { text: 'q', labelId: 'label', assigneeId: 'assignee', due: 'due' } as const;

export function filterFromSearch(search: string): CardFilter {
  const params = new URLSearchParams(search);
  const due = params.get(PARAMS.due);
  return {
    text: params.get(PARAMS.text) ?? '',
    labelId: params.get(PARAMS.labelId) || null,
    assigneeId: params.get(PARAMS.assigneeId) || null,
    due: due === 'overdue' || due === 'week' ? due : null,
  };
}

/** `search` with the filter's parameters replaced (others, such as the open card, kept). */
export function searchWithFilter(search: string, filter: CardFilter): string {
  const params = new URLSearchParams(search);
  const set = (key: string, value: string | null) => {
    if (value) params.set(key, value);
    else params.delete(key);
  };
  set(PARAMS.text, filter.text);
  set(PARAMS.labelId, filter.labelId);
  set(PARAMS.assigneeId, filter.assigneeId);
  set(PARAMS.due, filter.due);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function isFiltering(filter: CardFilter): boolean {
  return (
    filter.text.trim() !== '' || filter.labelId !== null || filter.assigneeId !== null || filter.due !== null
  );
}

/** `YYYY-MM-DD` of the Sunday ending the week (Monday to Sunday) that holds `today`. */
export function endOfWeek(today: string): string {
  const date = new Date(`${today}T00:00:00Z`);
  const daysToSunday = (7 - date.getUTCDay()) % 7;
  date.setUTCDate(date.getUTCDate() + daysToSunday);
  return date.toISOString().slice(0, 10);
}

const fold = (text: string) => text.toLocaleLowerCase();

/**
 * A predicate for the board view, or null when nothing is filtered. Text matches every word (in any order)
 * against the title, the description preview, label names and assignee names. "This week" is due from today
 * to Sunday; "overdue" is due before today.
 */
export function cardMatcher(
  filter: CardFilter,
  board: Pick<BoardSnapshot, 'labels' | 'members'>,
  today: string,
): ((card: CardSnapshot) => boolean) | null {
  if (!isFiltering(filter)) return null;
  const words = fold(filter.text).split(/\s+/).filter(Boolean);
  const labelNames = new Map(board.labels.map((label) => [label.id, label.name]));
  const memberNames = new Map(board.members.map((member) => [member.id, member.name]));
  const weekEnd = endOfWeek(today);
  return (card) => {
    if (filter.labelId !== null && !card.labels.includes(filter.labelId)) return false;
    if (filter.assigneeId !== null && !card.assignees.includes(filter.assigneeId)) return false;
    if (filter.due === 'overdue' && !(card.due !== null && card.due < today)) return false;
    if (filter.due === 'week' && !(card.due !== null && card.due >= today && card.due <= weekEnd))
      return false;
    if (words.length === 0) return true;
    const haystack = fold(
      [
        card.title,
        card.descriptionPreview?.preview ?? '',
        ...card.labels.map((id) => labelNames.get(id) ?? ''),
        ...card.assignees.map((id) => memberNames.get(id) ?? ''),
      ].join('\n'),
    );
    return words.every((word) => haystack.includes(word));
  };
}
