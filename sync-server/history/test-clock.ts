/**
 * A testing aid: the server's clock shifted by an offset, so end-to-end tests can make "yesterday"
 * (write a version, then move the clock a day on). `TRELLIS_CLOCK_OFFSET_MS` (read once, at start;
 * negative moves the clock back) turns it on; while on, `POST /admin/clock?offset=<ms>` (admin
 * credential) changes the offset without a restart. Never set it in production: history times,
 * idle-room ages and the rate limits all follow this clock.
 */
import { type Clock, systemClock } from '../core/ports';

export const CLOCK_OFFSET_ENV = 'TRELLIS_CLOCK_OFFSET_MS';

export class OffsetClock implements Clock {
  constructor(public offsetMs = 0) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  monotonic(): number {
    return systemClock.monotonic();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    return systemClock.setTimeout(fn, ms);
  }

  clearTimeout(handle: unknown): void {
    systemClock.clearTimeout(handle);
  }

  afterIo(fn: () => void): void {
    systemClock.afterIo(fn);
  }
}

/** The shifted clock when the environment asks for one; throws on a value that is no integer. */
export function offsetClockFromEnv(env: NodeJS.ProcessEnv): OffsetClock | null {
  const raw = env[CLOCK_OFFSET_ENV];
  if (raw === undefined || raw === '') return null;
  const offset = parseOffset(raw);
  if (offset === null)
    throw new Error(`${CLOCK_OFFSET_ENV}: expected whole milliseconds, got ${JSON.stringify(raw)}`);
  return new OffsetClock(offset);
}

/** An offset in milliseconds (ten years either way at most), or null. */
export function parseOffset(text: string): number | null {
  if (!/^-?\d{1,12}$/.test(text)) return null;
  const offset = Number(text);
  return Math.abs(offset) <= 10 * 365 * 86_400_000 ? offset : null;
}
