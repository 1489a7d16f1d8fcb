/**
 * How a room hears about changes made on other server instances (scale-out mode). The core only
 * knows this interface; the Redis adapter lives in `scaleout/`. Without a feed (single node) a room
 * is the only writer of its document.
 */
export interface DocFeed {
  /**
   * Starts delivering the room's updates appended by other instances after `cursor` (the position
   * the loaded state covers, from `StoredDoc.cursor`) and other instances' awareness messages.
   * Returns the unsubscribe.
   */
  subscribe(room: string, cursor: string | undefined, handlers: FeedHandlers): () => void;
  /** Sends this instance's awareness changes of `room` to the other instances (best effort). */
  publishAwareness(room: string, update: Uint8Array): void;
  /** Tells the other instances that `room` was deleted (S12.2), so they drop their copies. */
  publishDeleted?(room: string): void;
}

export interface FeedHandlers {
  /** Updates other instances stored, in log order; they are durable already. */
  handleRemoteUpdates(updates: Uint8Array[]): void;
  handleRemoteAwareness(update: Uint8Array): void;
  /** Another instance opened the room and asks for the awareness states of this one's clients. */
  localAwareness(): Uint8Array | null;
  /** Another instance deleted the document (S12.2). */
  handleRemoteDeleted?(): void;
}
