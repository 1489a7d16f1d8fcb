import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../../../client/sync/backoff';

const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe('reconnectDelayMs', () => {
  it('doubles the window per attempt and caps it', () => {
    const top = (attempt: number) => reconnectDelayMs(attempt, () => 0.999_999, policy);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('keeps at least half the window, so retries never collapse to zero', () => {
    expect(reconnectDelayMs(1, () => 0, policy)).toBe(50);
    expect(reconnectDelayMs(4, () => 0, policy)).toBe(400);
    expect(reconnectDelayMs(50, () => 0, policy)).toBe(500);
  });

  it('spreads clients across the window (jitter)', () => {
    let seed = 1;
    // A tiny LCG so the spread is replayable.
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const delays = Array.from({ length: 50 }, () => reconnectDelayMs(5, random, policy));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_000);
    expect(new Set(delays).size).toBeGreaterThan(20);
  });
});
