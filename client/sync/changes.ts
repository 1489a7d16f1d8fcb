import type { StateVector } from './durable';

/** Deleted ranges per client: `[clock, length]` pairs (a Yjs delete set, copied). */
export type Deletions = Map<number, Array<readonly [number, number]>>;

/** The shape of a Yjs DeleteSet (yjs does not export its type). */
export interface DeleteSetLike {
  clients: Map<number, Array<{ clock: number; len: number }>>;
}

/**
 * One change made in this page (or a restored record of earlier ones) until the server has stored it.
 *
 * Its inserted items are stored once a durable ack (the server's stored state vector) reaches the clocks the
 * change advanced; the update that carried them carried the change's deletions too, and the server stores
 * an update whole. A delete-only change advances no clock (Yjs keeps deletions in a delete set, outside the
 * state vector), so it is proven stored by a sync step 2 from the server whose delete set holds its
 * deletions: the server sends a step 2 only once what it contains is stored.
 */
interface Change {
  /** Clocks still to be reached by a durable ack; empty once they are. */
  reached: StateVector;
  /** Deletions still to be seen in a server's sync step 2; null once they are (or when implied). */
  deletions: Deletions | null;
  /** Changes this entry stands for: 1; 0 for a derived write (a card's preview); n for a restored record. */
  readonly weight: number;
}

/**
 * The changes made to one document in this browser that the server has not yet durably stored, counted
 * as a person would: one per change (a keystroke, a new card, a rename), whatever its size in clock units.
 */
export class ChangeLedger {
  private changes: Change[] = [];

  /** A change made here: the clocks it advanced and, for a delete-only change, what it deleted. */
  record(reached: StateVector, deletions: Deletions, weight: number): void {
    this.changes.push({ reached, deletions: reached.size > 0 ? null : deletions, weight });
  }

  /**
   * `weight` changes made before this page loaded (a durable record). Which items they touched is not known,
   * so they count as stored once the server holds everything the document holds: its whole state vector and
   * its whole delete set.
   */
  restore(reached: StateVector, deletions: Deletions, weight: number): void {
    this.changes.push({ reached, deletions: deletions.size > 0 ? deletions : null, weight });
    this.settle();
  }

  /** A durable ack: the server's stored state vector. Returns whether anything is now stored. */
  acknowledge(stored: StateVector): boolean {
    let changed = false;
    for (const change of this.changes) {
      if (change.reached.size > 0 && reaches(stored, change.reached)) {
        change.reached = new Map();
        changed = true;
      }
    }
    return this.settle() || changed;
  }

  /** A sync step 2 from the server (stored before it was sent): its delete set. */
  confirmDeletions(stored: DeleteSetLike): boolean {
    let changed = false;
    for (const change of this.changes) {
      if (change.deletions !== null && containsDeletions(stored, change.deletions)) {
        change.deletions = null;
        changed = true;
      }
    }
    return this.settle() || changed;
  }

  /** Some deletions wait for a sync step 2 that shows them (ask the server for one). */
  get awaitsDeletions(): boolean {
    return this.changes.some((change) => change.deletions !== null);
  }

  /** Entries not yet stored (derived writes included). */
  get size(): number {
    return this.changes.length;
  }

  /** Changes a person made that are not yet stored. */
  get count(): number {
    let total = 0;
    for (const change of this.changes) total += change.weight;
    return total;
  }

  private settle(): boolean {
    const before = this.changes.length;
    this.changes = this.changes.filter((change) => change.reached.size > 0 || change.deletions !== null);
    return this.changes.length !== before;
  }
}

/** A copy of a Yjs delete set (the transaction's may be reused by Yjs). */
export function copyDeletions(deleteSet: DeleteSetLike): Deletions {
  const copy: Deletions = new Map();
  for (const [client, items] of deleteSet.clients) {
    if (items.length > 0)
      copy.set(
        client,
        items.map((item) => [item.clock, item.len] as const),
      );
  }
  return copy;
}

function reaches(stored: StateVector, reached: StateVector): boolean {
  for (const [client, clock] of reached) if ((stored.get(client) ?? 0) < clock) return false;
  return true;
}

/** Whether every range of `inner` lies within the ranges of `outer` (sorted or not, adjacent or merged). */
export function containsDeletions(outer: DeleteSetLike, inner: Deletions): boolean {
  for (const [client, ranges] of inner) {
    const covering = [...(outer.clients.get(client) ?? [])].sort((a, b) => a.clock - b.clock);
    for (const [clock, length] of ranges) {
      // Walk the sorted ranges from `clock`, extending the covered end while they touch.
      let covered = clock;
      const end = clock + length;
      for (const item of covering) {
        if (item.clock > covered) break;
        covered = Math.max(covered, item.clock + item.len);
        if (covered >= end) break;
      }
      if (covered < end) return false;
    }
  }
  return true;
}
