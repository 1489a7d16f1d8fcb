import type { DocFeed } from './doc-feed';
import type { DocStore } from './doc-store';
import type { Clock, CoreMetrics, Logger } from './ports';
import { Room, type RoomDeps, RoomState } from './room';
import type { PresenceLimits } from './room-presence';

export interface RoomManagerOptions {
  store: DocStore;
  clock: Clock;
  logger: Logger;
  metrics: CoreMetrics;
  /** How long a room stays loaded after its last connection leaves. */
  unloadDelayMs: number;
  /** Compact a room's update log once it holds this many entries. */
  compactThreshold: number;
  /** How long a write batch stays open to merge more updates. */
  batchWindowMs: number;
  /** Rooms loaded at once (0: no limit); past it the least recently used idle room is unloaded. */
  maxRooms: number;
  /** Other instances' changes (scale-out mode). */
  feed?: DocFeed;
  /** Another instance deleted a loaded room's document (scale-out, S12.2). */
  onDeletedElsewhere?: (room: Room) => void;
  /** Bounds on presence states per connection (S5.6). */
  presenceLimits?: PresenceLimits;
}

/**
 * Owns the loaded rooms. The first connection to a room starts its load and later ones share it
 * (one load, never two); a room unloads `unloadDelayMs` after its last connection leaves, once its
 * writes are stored and its log compacted, and only if nobody joined meanwhile.
 */
export class RoomManager {
  private readonly rooms = new Map<string, Room>();
  private readonly unloadTimers = new Map<Room, unknown>();
  private readonly unloading = new Set<Promise<void>>();
  /** Rooms being deleted (S12.2): a room of that name opened meanwhile loads once the delete is done. */
  private readonly deleting = new Map<string, Promise<void>>();
  /** Idle rooms being unloaded to make space; they no longer count against `maxRooms`. */
  private readonly evicting = new Set<Room>();
  private readonly roomDeps: RoomDeps;

  constructor(private readonly options: RoomManagerOptions) {
    // A room whose stored document cannot be decoded is forgotten at once (S7): the next
    // connection loads it afresh, and an operator's restore takes effect without a restart.
    this.roomDeps = {
      ...options,
      onFailed: (room) => this.forget(room),
      onDeletedElsewhere: (room) => options.onDeletedElsewhere?.(room),
    };
  }

  get size(): number {
    return this.rooms.size;
  }

  get(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }

  /**
   * The room for `name`, loading it if needed; the caller adds a connection at once. Null when
   * `maxRooms` are loaded and none of them is idle.
   */
  open(name: string): Room | null {
    const existing = this.rooms.get(name);
    if (existing) {
      this.cancelUnload(existing);
      return existing;
    }
    const { maxRooms } = this.options;
    if (maxRooms > 0 && this.rooms.size - this.evicting.size >= maxRooms && !this.evictIdleRoom()) {
      return null;
    }
    const room = new Room(name, this.roomDeps);
    this.rooms.set(name, room);
    // Loaded only once a delete of the same name has removed what is stored (or failed to).
    const deletion = this.deleting.get(name);
    const loading = deletion
      ? deletion.then(
          () => room.load(),
          () => room.load(),
        )
      : room.load();
    loading.catch((error: unknown) => {
      this.options.logger.error({ room: name, err: error }, 'loading the document failed');
      // Forget the room so the next connection tries again; connections were told by whenReady.
      if (this.rooms.get(name) === room) this.rooms.delete(name);
      room.close();
    });
    return room;
  }

  /** Called when a connection left; schedules the unload of an empty room. */
  released(room: Room): void {
    if (room.connections.size > 0 || this.rooms.get(room.name) !== room) return;
    this.cancelUnload(room);
    const timer = this.options.clock.setTimeout(() => {
      this.unloadTimers.delete(room);
      const done = this.unload(room).finally(() => this.unloading.delete(done));
      this.unloading.add(done);
    }, this.options.unloadDelayMs);
    this.unloadTimers.set(room, timer);
  }

  /** Stores everything pending in every room (shutdown, backup). */
  async flushAll(): Promise<void> {
    await Promise.all(
      this.all()
        .filter((room) => room.state === RoomState.ready)
        .map((room) => room.writes.whenDrained()),
    );
  }

  /** Flushes, compacts and frees every room (shutdown); connections must be closed first. */
  async closeAll(): Promise<void> {
    for (const room of this.unloadTimers.keys()) this.cancelUnload(room);
    await Promise.all(this.unloading);
    await Promise.all(this.all().map((room) => this.unload(room, true)));
  }

  /** Unloads `room` if it is still idle once its writes are stored. */
  async unload(room: Room, force = false): Promise<void> {
    if (room.state === RoomState.ready) {
      await room.writes.whenDrained();
      if (!force && room.connections.size > 0) return;
      room.writes.requestCompaction();
      await room.writes.whenDrained();
      // Someone may have joined while we were writing: then the room stays.
      if (!force && (room.connections.size > 0 || room.writes.busy)) return;
    }
    if (this.rooms.get(room.name) === room) this.rooms.delete(room.name);
    if (room.state !== RoomState.closed && room.state !== RoomState.failed) {
      room.close();
      this.options.metrics.roomUnloaded();
      this.options.logger.debug({ room: room.name }, 'room unloaded');
    }
  }

  /**
   * Deletes a room (S12.2): the loaded room is forgotten at once (a connection arriving from now on
   * opens a new room, which loads once the delete is done), `closeConnections` ends its
   * connections, it is freed without storing what it holds, then the store deletes it (unless
   * `fromStore` is false: another instance deleted it there).
   */
  async delete(name: string, closeConnections: (room: Room) => void, fromStore = true): Promise<void> {
    const previous = this.deleting.get(name);
    const run = (async () => {
      if (previous) await previous.catch(() => {});
      const room = this.rooms.get(name);
      if (room) {
        this.rooms.delete(name);
        this.cancelUnload(room);
        closeConnections(room);
        // A load in flight finishes first: a room closed while it loads would come back ready.
        await room.whenReady();
        if (room.state !== RoomState.closed && room.state !== RoomState.failed) {
          room.close();
          this.options.metrics.roomUnloaded();
        }
      }
      if (fromStore) await this.options.store.delete(name);
    })();
    this.deleting.set(name, run);
    try {
      await run;
    } finally {
      if (this.deleting.get(name) === run) this.deleting.delete(name);
    }
  }

  /**
   * Starts unloading the least recently used idle room (one waiting for its unload delay); false if
   * there is none. Its writes are stored before it goes, as for any unload.
   */
  private evictIdleRoom(): boolean {
    let oldest: Room | null = null;
    for (const room of this.unloadTimers.keys()) {
      if (room.connections.size > 0 || this.evicting.has(room)) continue;
      if (oldest === null || room.lastActive < oldest.lastActive) oldest = room;
    }
    if (oldest === null) return false;
    const room = oldest;
    this.cancelUnload(room);
    this.evicting.add(room);
    this.options.logger.info(
      { room: room.name, rooms: this.rooms.size },
      'room limit reached: unloading an idle room',
    );
    const done = this.unload(room).finally(() => {
      this.evicting.delete(room);
      this.unloading.delete(done);
    });
    this.unloading.add(done);
    return true;
  }

  private forget(room: Room): void {
    this.cancelUnload(room);
    if (this.rooms.get(room.name) === room) this.rooms.delete(room.name);
  }

  private cancelUnload(room: Room): void {
    const timer = this.unloadTimers.get(room);
    if (timer !== undefined) {
      this.options.clock.clearTimeout(timer);
      this.unloadTimers.delete(room);
    }
  }
}
