/**
 * An avatar's letters: the first letter of each of the first two words ("Alice Lee" → AL), or one letter for
 * a one-word name ("Bob" → B), as people write initials.
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words
    .slice(0, 2)
    .map((word) => [...word][0] ?? '')
    .join('');
  return letters.toLocaleUpperCase() || '?';
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

/**
 * Text colour for a `#rrggbb` background: white or black, whichever contrasts more by the WCAG formula. One of
 * the two always reaches 4.5:1 (the AA level for small text), whatever colour a person picked.
 */
export function textOn(background: string): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(background)?.[1];
  if (!hex) return '#ffffff';
  const n = Number.parseInt(hex, 16);
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance =
    0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
  const onWhite = 1.05 / (luminance + 0.05);
  const onBlack = (luminance + 0.05) / 0.05;
  return onBlack > onWhite ? '#000000' : '#ffffff';
}
