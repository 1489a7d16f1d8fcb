import type { Awareness } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';

/**
 * Connection state shown to the user: `offline` when the browser reports no network, `unreachable` when it
 * has one but the server did not answer (a retry is scheduled or in progress).
 */
export type ConnectionState = 'online' | 'connecting' | 'offline' | 'unreachable' | 'denied';

export interface SyncStatus {
  connection: ConnectionState;
  /**
   * Changes made in this browser (one per edit a person made: a keystroke, a new card, a rename) that the
   * server has not yet durably stored. Writes the app makes on the person's behalf (a card's preview) wait
   * without being counted.
   */
  pending: number;
  /** True when the server has durably stored everything this copy of the document holds. */
  saved: boolean;
  /** True once the IndexedDB copy has been loaded into the document. */
  localLoaded: boolean;
  /** True once the server's first sync reply has been applied in this connection. */
  serverSynced: boolean;
  /**
   * The server accepts no writes from us (a read-only share link): local edits stay local and
   * count as pending. Known after connecting with a token; false otherwise.
   */
  readOnly: boolean;
  /** When the next connection attempt is due (epoch ms), while one is scheduled; otherwise null. */
  retryAt: number | null;
}

/**
 * One open collaborative document: the Yjs doc kept in IndexedDB and synced with the server.
 * UI code reads and edits `doc` (through shared/ APIs) and `awareness`; it never touches the socket.
 */
export interface DocHandle {
  readonly room: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** The y-websocket provider, only for bindings that need it (Lexical's CollaborationPlugin). */
  readonly provider: WebsocketProvider;
  getStatus(): SyncStatus;
  /** Subscribe to status changes; returns an unsubscribe function. */
  onStatus(listener: (status: SyncStatus) => void): () => void;
  /** Resolves once the local IndexedDB copy is loaded. */
  whenLocalLoaded(): Promise<void>;
  /**
   * Whether a transaction with this origin came from elsewhere (the server, another tab, the IndexedDB copy)
   * rather than from a change made in this page.
   */
  isRemoteOrigin(origin: unknown): boolean;
  /** Drop this reference; the last release disconnects and destroys the document. */
  release(): void;
}
