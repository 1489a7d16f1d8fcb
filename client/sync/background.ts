import type { NetworkSignal } from './network';

/** What the queue needs of a document it holds. */
export interface QueuedDocument {
  readonly room: string;
  /** Loaded, and the server has durably stored every change made here. */
  isSettled(): boolean;
  /** The server will not take our changes (access refused, or a read-only link): holding it cannot help. */
  isRefused(): boolean;
  /** Stop connecting (a slot is not free); the document stays in memory. */
  suspend(): void;
  /** Connect again (a slot is free). */
  resume(): void;
  /** Returns an unsubscribe function. */
  onStatus(listener: () => void): () => void;
}

export interface BackgroundSyncOptions<D extends QueuedDocument> {
  /** At most this many documents connect for the queue at once (documents open in the UI do not count). */
  maxActive: number;
  network: NetworkSignal;
  /** Rooms recorded as holding unsaved changes, the oldest first (the durable record). */
  recorded(): readonly string[];
  onRecordedChange(listener: () => void): () => void;
  /** The UI holds the room open: it syncs by itself. */
  isOpenInUi(room: string): boolean;
  /** Loads a recorded room's document (from IndexedDB) and connects it. */
  load(room: string): D;
  /** The queue lets go of the document: settled (everything stored) or refused. */
  finish(doc: D, settled: boolean): void;
}

interface Held<D> {
  doc: D;
  stop: () => void;
}

/**
 * Syncs the documents that hold unsaved changes while nothing in the UI has them open: a card closed
 * before its description reached the server, or anything recorded before a reload or a browser restart.
 * At most `maxActive` of them connect at once; the others wait, in memory (`parked`) or only in the record,
 * so a hundred descriptions edited offline do not open a hundred sockets when the network returns.
 * A held document is let go once the server has stored it (or refused it), never before.
 */
export class BackgroundSync<D extends QueuedDocument> {
  private readonly active = new Map<string, Held<D>>();
  private readonly parked = new Map<string, Held<D>>();
  /** Refused in this page: left recorded (the changes are only here), not retried until a reload. */
  private readonly refused = new Set<string>();
  private readonly unsubscribe: Array<() => void>;
  private destroyed = false;
  private pumping = false;
  private pumpAgain = false;

  constructor(private readonly options: BackgroundSyncOptions<D>) {
    this.unsubscribe = [
      options.onRecordedChange(() => this.pump()),
      options.network.onChange((online) => {
        if (online) this.pump();
      }),
    ];
  }

  /** The UI let go of a document that still holds unsaved changes: keep it until the server stored them. */
  adopt(doc: D): void {
    if (this.destroyed || this.holds(doc.room)) return;
    if (this.check(doc)) return;
    const held = this.watch(doc);
    if (this.active.size < this.options.maxActive) {
      this.active.set(doc.room, held);
    } else {
      doc.suspend();
      this.parked.set(doc.room, held);
    }
  }

  /** The UI opens a room the queue holds: it leaves the queue (connected again if it was parked). */
  take(room: string): D | undefined {
    const held = this.active.get(room) ?? this.parked.get(room);
    if (held === undefined) return undefined;
    held.stop();
    if (this.parked.delete(room)) held.doc.resume();
    this.active.delete(room);
    this.pump();
    return held.doc;
  }

  holds(room: string): boolean {
    return this.active.has(room) || this.parked.has(room);
  }

  activeRooms(): string[] {
    return [...this.active.keys()];
  }

  parkedRooms(): string[] {
    return [...this.parked.keys()];
  }

  /** Fills free slots: parked documents first, then recorded rooms not in memory. Only with a network. */
  pump(): void {
    // Loading or finishing a document can change the record, which asks for another pump: run it after.
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.fill();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private fill(): void {
    if (this.destroyed || !this.options.network.isOnline()) return;
    for (const [room, held] of this.parked) {
      if (this.active.size >= this.options.maxActive) return;
      this.parked.delete(room);
      this.active.set(room, held);
      held.doc.resume();
    }
    for (const room of this.options.recorded()) {
      if (this.active.size >= this.options.maxActive) return;
      if (this.holds(room) || this.refused.has(room) || this.options.isOpenInUi(room)) continue;
      const doc = this.options.load(room);
      if (!this.check(doc)) this.active.set(room, this.watch(doc));
    }
  }

  /** Lets go of everything without finishing (the registry destroys the documents). */
  destroy(): void {
    this.destroyed = true;
    for (const held of [...this.active.values(), ...this.parked.values()]) held.stop();
    this.active.clear();
    this.parked.clear();
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  private watch(doc: D): Held<D> {
    const stop = doc.onStatus(() => {
      if (this.holds(doc.room) && this.check(doc)) this.pump();
    });
    return { doc, stop };
  }

  /** Finishes the document if it is settled or refused; returns whether it did. */
  private check(doc: D): boolean {
    const settled = doc.isSettled();
    if (!settled && !doc.isRefused()) return false;
    if (!settled) this.refused.add(doc.room);
    const held = this.active.get(doc.room) ?? this.parked.get(doc.room);
    held?.stop();
    this.active.delete(doc.room);
    this.parked.delete(doc.room);
    this.options.finish(doc, settled);
    return true;
  }
}
