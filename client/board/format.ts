/** Up to two letters for an avatar: initials of the first two words, or the first two letters of one word. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? `${words[0]?.[0] ?? ''}${words[1]?.[0] ?? ''}` : name.trim().slice(0, 2);
  return letters.toUpperCase() || '?';
}

/** Today's calendar date where the user is, as `YYYY-MM-DD`. */
export function localToday(now: Date = new Date()): string {
  const month = String(now.getMonth() + 1).padStart(2, '0');
  const day = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${month}-${day}`;
}

export type DueState = 'overdue' | 'today' | 'upcoming';

export function dueState(due: string, today: string = localToday()): DueState {
  if (due < today) return 'overdue';
  return due === today ? 'today' : 'upcoming';
}

const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const shortDateWithYear = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A due date (a calendar day, no zone) for a card: "31 Mar", with the year when it is not this year's. */
export function formatDue(due: string, today: string = localToday()): string {
  const format = due.slice(0, 4) === today.slice(0, 4) ? shortDate : shortDateWithYear;
  return format.format(new Date(`${due}T00:00:00Z`));
}

/** A due date in words, for accessible names: "Mar 31, 2025". */
export function formatDueLong(due: string): string {
  return longDate.format(new Date(`${due}T00:00:00Z`));
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Text colour readable on a `#rrggbb` background. */
export function textOn(background: string): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(background)?.[1];
  if (!hex) return '#ffffff';
  const n = Number.parseInt(hex, 16);
  const luminance = 0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
  return luminance > 160 ? '#1f2a27' : '#ffffff';
}
