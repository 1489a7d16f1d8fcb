import { describe, expect, it } from 'vitest';
import { RetryBackoff } from '../../../sync-server/core/retry-backoff';

describe('waits between retries of a failed store write', () => {
  it('double from 50 ms and stay at 5 s', () => {
    const backoff = new RetryBackoff();
    const waits = Array.from({ length: 10 }, () => backoff.next());
    expect(waits).toEqual([50, 100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
  });
});
