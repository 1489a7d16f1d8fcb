import type { PendingRecord, PendingStore } from './pending-store';

/**
 * Which documents hold changes made in this browser that the server has not durably stored, open or not.
 * Kept in memory (the status reads it synchronously) and written through to a PendingStore (IndexedDB), so
 * a reload or a browser restart still knows what to sync. Writes to the store run one at a time, latest state
 * per room, after the stored records have been read (a record changed meanwhile keeps its newer value).
 */
export class UnsavedDocuments {
  private readonly records = new Map<string, PendingRecord>();
  /** Rooms noted or cleared before the stored records were read: memory is newer than the store. */
  private readonly touched = new Set<string>();
  private readonly dirty = new Set<string>();
  private writing: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly loading: Promise<void>;
  private isLoaded = false;
  /** One warning per page: a store that fails once (private mode, quota) fails on every write. */
  private warned = false;

  constructor(
    private readonly store: PendingStore,
    private readonly now: () => number = Date.now,
  ) {
    this.loading = store.loadAll().then(
      (stored) => {
        for (const record of stored)
          if (!this.touched.has(record.room)) this.records.set(record.room, record);
        this.isLoaded = true;
        this.emit();
      },
      (error: unknown) => {
        // Without the store we still track this page's changes; only a reload forgets them.
        console.warn('Trellis: cannot read the record of unsaved documents', error);
        this.isLoaded = true;
        this.emit();
      },
    );
  }

  /** Resolves once the stored records have been read (or failed to). */
  whenLoaded(): Promise<void> {
    return this.loading;
  }

  get loaded(): boolean {
    return this.isLoaded;
  }

  /** The room holds unsaved changes: `changes` of them a person made. */
  note(room: string, changes: number): void {
    const current = this.records.get(room);
    if (current !== undefined && current.changes === changes) return;
    this.records.set(room, { room, changes, since: current?.since ?? this.now() });
    this.touch(room);
    this.emit();
  }

  /** The server has durably stored everything of this room that was made here. */
  clear(room: string): void {
    const had = this.records.delete(room);
    if (!had && this.isLoaded) return;
    this.touch(room);
    if (had) this.emit();
  }

  get(room: string): PendingRecord | undefined {
    return this.records.get(room);
  }

  has(room: string): boolean {
    return this.records.has(room);
  }

  /** Every recorded room, the oldest change first. */
  rooms(): string[] {
    return [...this.records.values()].sort((a, b) => a.since - b.since).map((record) => record.room);
  }

  /** Called after every change of the set or of a count; returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once every change so far has reached the store. */
  async whenWritten(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }

  private touch(room: string): void {
    if (!this.isLoaded) this.touched.add(room);
    this.dirty.add(room);
    this.writing ??= this.writeDirty();
  }

  private async writeDirty(): Promise<void> {
    await this.loading;
    while (this.dirty.size > 0) {
      const rooms = [...this.dirty];
      this.dirty.clear();
      for (const room of rooms) {
        const record = this.records.get(room);
        try {
          if (record === undefined) await this.store.delete(room);
          else await this.store.put({ ...record });
        } catch (error) {
          // Quota, private mode: this page still syncs it; only a reload before that would forget it.
          if (!this.warned) console.warn(`Trellis: cannot keep the record of unsaved ${room}`, error);
          this.warned = true;
        }
      }
    }
    this.writing = null;
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
