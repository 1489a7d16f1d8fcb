import type { Awareness } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';

/** Connection state shown to the user. */
export type ConnectionState = 'online' | 'connecting' | 'offline' | 'denied';

export interface SyncStatus {
  connection: ConnectionState;
  /** Local changes the server has not yet durably stored (from the server's durable acks). */
  pending: number;
  /** True when every local change is durably stored on the server. */
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
  /** Drop this reference; the last release disconnects and destroys the document. */
  release(): void;
}
