/**
 * One room synced over the shared multiplexed socket (mux-socket.ts), with the surface of a
 * `y-websocket` provider that bindings use: `awareness`, `synced`, `wsconnected`, `connect()`,
 * `disconnect()`, `destroy()` and the `status`, `sync` and `synced` events (what @lexical/yjs's
 * CollaborationPlugin asks of its Provider). Each room has its own sync, presence and durable acks;
 * a durable ack (message 100) is emitted as `durable-ack` with the server's stored state vector.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { MuxJoin } from '../../shared/mux-wire';
import { MessageType } from '../../shared/protocol';
import { encodeSyncUpdate } from '../../shared/wire';
import { isFinalRoomClose, type MuxRoom, type MuxSocket } from './mux-socket';
import { changedIds, forgetOthers, presenceFrame } from './room-awareness';

type ProviderEvents = {
  status: (event: { status: 'connected' | 'disconnected' | 'connecting' }) => void;
  sync: (synced: boolean) => void;
  synced: (synced: boolean) => void;
  'durable-ack': (stateVector: Uint8Array) => void;
  /** The server closed this room with a code from 4400 to 4499: retrying cannot help. */
  denied: (event: { code: number; reason: string }) => void;
  'room-closed': (event: { code: number; reason: string }) => void;
};

export interface MuxRoomProviderOptions {
  /** Ask for durable acks (S9). */
  durableAck?: boolean;
  awareness?: awarenessProtocol.Awareness;
  /** Join at once (default true). */
  connect?: boolean;
  /** Delay before joining again after a retryable per-room close. */
  rejoinDelayMs?: number;
}

export class MuxRoomProvider extends ObservableV2<ProviderEvents> implements MuxRoom {
  readonly awareness: awarenessProtocol.Awareness;
  /** Joined on an open socket. */
  wsconnected = false;
  /** The server's sync reply arrived since joining. */
  private isSynced = false;
  shouldConnect = false;
  /** The last per-room close from the server, if any. */
  lastClose: { code: number; reason: string } | null = null;
  private rejoinTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly durableAck: boolean;

  constructor(
    private readonly socket: MuxSocket,
    readonly room: string,
    readonly doc: Y.Doc,
    private readonly options: MuxRoomProviderOptions = {},
  ) {
    super();
    this.durableAck = options.durableAck ?? false;
    this.awareness = options.awareness ?? new awarenessProtocol.Awareness(doc);
    doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
    if (options.connect ?? true) this.connect();
  }

  get synced(): boolean {
    return this.isSynced;
  }

  set synced(value: boolean) {
    if (this.isSynced === value) return;
    this.isSynced = value;
    this.emit('synced', [value]);
    this.emit('sync', [value]);
  }

  connect(): void {
    this.shouldConnect = true;
    this.socket.add(this);
  }

  disconnect(): void {
    this.shouldConnect = false;
    this.clearRejoin();
    this.socket.remove(this);
    this.leftRoom();
  }

  override destroy(): void {
    this.disconnect();
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    super.destroy();
  }

  joinRequest(): MuxJoin {
    return { room: this.room, durableAck: this.durableAck, stateVector: Y.encodeStateVector(this.doc) };
  }

  joined(): void {
    this.wsconnected = true;
    this.emit('status', [{ status: 'connected' }]);
    if (this.awareness.getLocalState() !== null) {
      this.socket.send(this.room, presenceFrame(this.awareness, [this.doc.clientID]));
    }
  }

  receive(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync: {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.sync);
        const kind = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
        if (encoding.length(encoder) > 1) this.socket.send(this.room, encoding.toUint8Array(encoder));
        if (kind === syncProtocol.messageYjsSyncStep2 && !this.synced) this.synced = true;
        return;
      }
      case MessageType.awareness:
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
        return;
      case MessageType.queryAwareness:
        this.socket.send(this.room, presenceFrame(this.awareness, [...this.awareness.getStates().keys()]));
        return;
      case MessageType.durableAck:
        this.emit('durable-ack', [decoding.readVarUint8Array(decoder)]);
        return;
      default:
        return; // auth and types from newer servers: nothing to do
    }
  }

  closedByServer(code: number, reason: string): void {
    this.lastClose = { code, reason };
    this.leftRoom();
    this.emit('room-closed', [{ code, reason }]);
    if (isFinalRoomClose(code)) {
      this.emit('denied', [{ code, reason }]);
      return;
    }
    this.clearRejoin();
    this.rejoinTimer = setTimeout(() => {
      this.rejoinTimer = null;
      if (this.shouldConnect) this.socket.rejoin(this);
    }, this.options.rejoinDelayMs ?? 1_000);
  }

  disconnected(_code: number, _reason: string): void {
    this.leftRoom();
  }

  private leftRoom(): void {
    if (!this.wsconnected && !this.synced) return;
    this.wsconnected = false;
    this.synced = false;
    forgetOthers(this.awareness, this.doc.clientID, this);
    this.emit('status', [{ status: 'disconnected' }]);
  }

  private clearRejoin(): void {
    if (this.rejoinTimer !== null) clearTimeout(this.rejoinTimer);
    this.rejoinTimer = null;
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== this && this.wsconnected) this.socket.send(this.room, encodeSyncUpdate(update));
  };

  private readonly onAwarenessUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this || !this.wsconnected) return;
    this.socket.send(this.room, presenceFrame(this.awareness, changedIds(changes)));
  };
}
