/**
 * The waits between attempts of a store write that failed: doubling from 50 ms up to 5 s, so a
 * passing fault (a full disk being cleared, a busy LevelDB) is retried soon and a lasting one does
 * not flood the log. The write pipeline and the LevelDB store's journal feed both retry this way.
 */
const FIRST_WAIT_MS = 50;
const LONGEST_WAIT_MS = 5_000;

export class RetryBackoff {
  private wait = FIRST_WAIT_MS;

  /** The wait before the next attempt (ms); each call doubles the one after it, up to the cap. */
  next(): number {
    const wait = this.wait;
    this.wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    return wait;
  }
}
