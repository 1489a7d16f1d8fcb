/**
 * Reconnect delays: exponential backoff with "equal jitter" (half the window fixed, half random),
 * so a server restart does not see every client come back in the same millisecond.
 */
export interface BackoffPolicy {
  /** Delay window for the first retry. */
  baseDelayMs: number;
  /** The window never grows past this. */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 250, maxDelayMs: 10_000 };

/**
 * Delay before retry number `attempt` (1 for the first retry after a failure).
 * `random` returns a number in [0, 1), injected so tests can replay it.
 */
export function reconnectDelayMs(
  attempt: number,
  random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.round(window / 2 + (window / 2) * random());
}
