/**
 * Waits until `condition` holds, checking every few milliseconds; fails with `what` after
 * `timeoutMs`. For states that no single event announces (e.g. "all twenty docs are equal").
 */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface WaitForAsyncOptions {
  timeoutMs?: number;
  /** Pause between checks; longer when each check also asks for work (e.g. queues a job). */
  intervalMs?: number;
}

/**
 * Polls an asynchronous condition (a Redis or PostgreSQL read) until it holds; fails with `what` after
 * `timeoutMs`. Checks never overlap: the next starts `intervalMs` after the previous one answered.
 */
export async function waitForAsync(
  check: () => Promise<boolean>,
  what: string,
  { timeoutMs = 10_000, intervalMs = 20 }: WaitForAsyncOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The one seeded PRNG (mulberry32) of the project, re-exported for tests. */
export { seededRandom } from '../../shared/board/ids';
