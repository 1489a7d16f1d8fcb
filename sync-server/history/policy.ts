/**
 * Which versions of a room's history are kept (S13.2): retention tiers, each keeping one version
 * per period (or every change) for a span of age. Pure functions of the stored segments and the
 * time now, so the versions listed and the version a time resolves to never depend on whether the
 * thinning pass has run yet: thinning only merges what this already hides.
 */

/** Versions younger than `keepMs` and older than the tier before it: the last one per `everyMs`. */
export interface HistoryTier {
  keepMs: number;
  /** 0: every change. */
  everyMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Every change for a day, one version an hour for 30 days, one a day for a year. */
export const DEFAULT_HISTORY_TIERS: readonly HistoryTier[] = [
  { keepMs: DAY, everyMs: 0 },
  { keepMs: 30 * DAY, everyMs: HOUR },
  { keepMs: 365 * DAY, everyMs: DAY },
];

export const DEFAULT_HISTORY_TIERS_TEXT = '24h:all,30d:1h,365d:1d';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: HOUR,
  d: DAY,
  w: 7 * DAY,
  y: 365 * DAY,
};

export class HistoryPolicyError extends Error {}

function parseSpan(text: string, what: string): number {
  const match = /^(\d{1,9})(ms|s|m|h|d|w|y)$/.exec(text);
  if (!match)
    throw new HistoryPolicyError(
      `${what}: expected a number and a unit (ms, s, m, h, d, w, y), got ${JSON.stringify(text)}`,
    );
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** A span in the largest unit that divides it (`3600000` → `1h`, `86400000` → `1d`). */
export function formatSpan(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms >= UNITS[unit]! && ms % UNITS[unit]! === 0) return `${ms / UNITS[unit]!}${unit}`;
  }
  return `${ms}ms`;
}

/** How long a tier keeps, as people say it: up to two days in hours (`24h`), then in days. */
function formatKeep(ms: number): string {
  return ms <= 2 * DAY && ms % HOUR === 0 ? `${ms / HOUR}h` : formatSpan(ms);
}

/**
 * `<keep>:<every>` pairs, comma-separated, youngest first (`24h:all,30d:1h,365d:1d`); `off` keeps no
 * history (null). Each tier keeps longer than the one before it, and no more often.
 */
export function parseHistoryTiers(text: string): HistoryTier[] | null {
  const trimmed = text.trim();
  if (trimmed === 'off') return null;
  const tiers = trimmed.split(',').map((part, i) => {
    const [keep, every, ...rest] = part.trim().split(':');
    if (keep === undefined || every === undefined || rest.length > 0) {
      throw new HistoryPolicyError(
        `tier ${i + 1}: expected <keep>:<every>, e.g. 30d:1h, got ${JSON.stringify(part)}`,
      );
    }
    return {
      keepMs: parseSpan(keep, `tier ${i + 1} keep`),
      everyMs: every === 'all' ? 0 : parseSpan(every, `tier ${i + 1} every`),
    };
  });
  tiers.forEach((tier, i) => {
    const before = tiers[i - 1];
    if (tier.keepMs <= 0) throw new HistoryPolicyError(`tier ${i + 1}: keeps nothing`);
    if (tier.everyMs >= tier.keepMs) {
      throw new HistoryPolicyError(
        `tier ${i + 1}: one version per ${formatSpan(tier.everyMs)} kept for only ${formatSpan(tier.keepMs)}`,
      );
    }
    if (before && tier.keepMs <= before.keepMs) {
      throw new HistoryPolicyError(
        `tier ${i + 1}: must keep longer than tier ${i} (${formatSpan(before.keepMs)})`,
      );
    }
    if (before && tier.everyMs < before.everyMs) {
      throw new HistoryPolicyError(`tier ${i + 1}: keeps versions more often than the younger tier ${i}`);
    }
  });
  return tiers;
}

export function formatHistoryTiers(tiers: readonly HistoryTier[] | null): string {
  if (tiers === null) return 'off';
  return tiers
    .map((t) => `${formatKeep(t.keepMs)}:${t.everyMs === 0 ? 'all' : formatSpan(t.everyMs)}`)
    .join(',');
}

/** How long the oldest version is kept: a time older than `now` minus this has no version. */
export function retentionMs(tiers: readonly HistoryTier[]): number {
  return tiers.at(-1)?.keepMs ?? 0;
}

/** The name of a tier in listings: `change` (every change) or its period (`1h`, `1d`). */
export function tierName(tier: HistoryTier): string {
  return tier.everyMs === 0 ? 'change' : formatSpan(tier.everyMs);
}

/** Segments that make one version: consecutive, in one period of one tier (or all expired ones). */
export interface SegmentGroup<S extends { time: number }> {
  /** Index into the tiers, or -1 for segments older than every tier (merged into one base). */
  tier: number;
  segments: S[];
  /** The version's time: its last segment's. */
  time: number;
}

/**
 * The segments (oldest first) in their versions at `now`. A tier's periods are aligned to the epoch
 * (an hour tier's to UTC hours, a day tier's to UTC days); a period that straddles a tier's age
 * boundary splits there. Groups are consecutive runs, so merging one leaves every other version's
 * content (all segments up to its time) as it was.
 */
export function groupSegments<S extends { time: number }>(
  segments: readonly S[],
  now: number,
  tiers: readonly HistoryTier[],
): SegmentGroup<S>[] {
  const groups: SegmentGroup<S>[] = [];
  let lastKey: string | null = null;
  for (const segment of segments) {
    const age = Math.max(0, now - segment.time);
    const tier = tiers.findIndex((t) => age < t.keepMs);
    const everyMs = tier < 0 ? 0 : tiers[tier]!.everyMs;
    const key =
      tier < 0 ? 'expired' : `${tier}:${everyMs === 0 ? segment.time : Math.floor(segment.time / everyMs)}`;
    const current = groups.at(-1);
    if (current && key === lastKey) {
      current.segments.push(segment);
      current.time = segment.time;
    } else {
      groups.push({ tier, segments: [segment], time: segment.time });
    }
    lastKey = key;
  }
  return groups;
}

export interface VersionInfo {
  /** Epoch ms: the version holds every update stored up to this time. */
  time: number;
  /** Bytes the history keeps for this version's changes since the version before it. */
  size: number;
  /** `change`, or the period of the tier that keeps it (`1h`, `1d`). */
  tier: string;
}

/** The versions kept at `now`, oldest first. */
export function versionsOf(
  segments: readonly { time: number; bytes: number }[],
  now: number,
  tiers: readonly HistoryTier[],
): VersionInfo[] {
  return groupSegments(segments, now, tiers)
    .filter((group) => group.tier >= 0)
    .map((group) => ({
      time: group.time,
      size: group.segments.reduce((sum, s) => sum + s.bytes, 0),
      tier: tierName(tiers[group.tier]!),
    }));
}

/** The newest kept version at or before `at`, or null. */
export function resolveVersion(versions: readonly VersionInfo[], at: number): VersionInfo | null {
  let found: VersionInfo | null = null;
  for (const version of versions) {
    if (version.time > at) break;
    found = version;
  }
  return found;
}

/**
 * What a thinning pass merges at `now`: every version made of several segments the store can
 * merge, and the expired segments into one base. A group holding a segment the store cannot merge
 * yet waits for a later pass (the listing hides its inner versions meanwhile).
 */
export function thinningPlan<S extends { time: number; mergeable: boolean }>(
  segments: readonly S[],
  now: number,
  tiers: readonly HistoryTier[],
): SegmentGroup<S>[] {
  return groupSegments(segments, now, tiers).filter(
    (group) => group.segments.length > 1 && group.segments.every((s) => s.mergeable),
  );
}
