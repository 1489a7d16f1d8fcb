/**
 * A version's time as people and programs write it: epoch milliseconds (`1767225600000`) or an ISO
 * 8601 UTC date or date-time with its offset (`2026-01-01`, `2026-01-01T09:30:00Z`,
 * `2026-01-01T09:30+01:00`). A date alone is its first instant, 00:00 UTC. A local time without an
 * offset is refused: the server and the person asking may not share a time zone.
 */
const MAX_TIME_MS = 8.64e15;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-](\d{2}):(\d{2})))?$/;

/** Epoch milliseconds, or null when `text` is no valid time. */
export function parseVersionTime(text: string): number | null {
  if (/^\d{1,16}$/.test(text)) {
    const ms = Number(text);
    return ms <= MAX_TIME_MS ? ms : null;
  }
  const match = ISO.exec(text);
  if (!match) return null;
  const [
    ,
    year,
    month,
    day,
    hour = '0',
    minute = '0',
    second = '0',
    ,
    offsetHours = '0',
    offsetMinutes = '0',
  ] = match;
  // Each field in its range (Date.parse would roll 2026-02-30 over into March).
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 59 ||
    Number(offsetHours) > 23 ||
    Number(offsetMinutes) > 59
  ) {
    return null;
  }
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIME_MS ? ms : null;
}
