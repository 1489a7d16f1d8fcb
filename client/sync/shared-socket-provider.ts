/**
 * A page document's provider on the shared socket (mux-socket.ts): it keeps the parts of
 * y-websocket's `WebsocketProvider` that SyncedDocument, ReconnectController and the editor bindings
 * use (`messageHandlers`, `params`, `ws.send`, `wsconnected`, `synced`, `shouldConnect`,
 * `connect()`/`disconnect()`, `shouldReconnect` and the `status`, `sync`, `synced`,
 * `connection-close` events), so they work unchanged over one socket per page. A per-room close from
 * the server reaches ReconnectController as a `connection-close` with that code, as it would on a
 * per-room socket: 4400–4499 deny, anything else is retried.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import * as authProtocol from 'y-protocols/auth';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { MuxJoin } from '../../shared/mux-wire';
import { DURABLE_ACK_PARAM, MessageType } from '../../shared/protocol';
import { encodeSyncUpdate } from '../../shared/wire';
import { isFinalRoomClose, type MuxRoom, type MuxSocket } from './mux-socket';
import { changedIds, forgetOthers, presenceFrame } from './room-awareness';

type CloseInfo = { code: number; reason: string };

type Events = {
  status: (event: { status: 'connected' | 'disconnected' | 'connecting' }) => void;
  sync: (synced: boolean) => void;
  synced: (synced: boolean) => void;
  'connection-close': (event: CloseInfo | null, provider: SharedSocketProvider) => void;
  closed: (event: CloseInfo, provider: SharedSocketProvider) => void;
};

/** y-websocket's message handler signature (encoder for the reply, decoder past the type). */
export type MessageHandler = (
  encoder: encoding.Encoder,
  decoder: decoding.Decoder,
  provider: SharedSocketProvider,
  emitSynced: boolean,
  messageType: number,
) => void;

/** The same handlers y-websocket installs per provider, written for this provider. */
function defaultHandlers(): MessageHandler[] {
  const handlers: MessageHandler[] = [];
  handlers[MessageType.sync] = (encoder, decoder, provider, emitSynced) => {
    encoding.writeVarUint(encoder, MessageType.sync);
    const kind = syncProtocol.readSyncMessage(decoder, encoder, provider.doc, provider);
    if (emitSynced && kind === syncProtocol.messageYjsSyncStep2 && !provider.synced) provider.synced = true;
  };
  handlers[MessageType.queryAwareness] = (encoder, _decoder, provider) => {
    encoding.writeVarUint(encoder, MessageType.awareness);
    const ids = [...provider.awareness.getStates().keys()];
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(provider.awareness, ids));
  };
  handlers[MessageType.awareness] = (_encoder, decoder, provider) => {
    awarenessProtocol.applyAwarenessUpdate(provider.awareness, decoding.readVarUint8Array(decoder), provider);
  };
  handlers[MessageType.auth] = (_encoder, decoder, provider) => {
    authProtocol.readAuthMessage(decoder, provider.doc, (_doc, reason) =>
      console.warn(`Permission denied to access ${provider.room}: ${reason}`),
    );
  };
  return handlers;
}

/** The room's end of the shared socket, shaped like the `ws` a WebsocketProvider holds. */
interface RoomLink {
  send(frame: Uint8Array): void;
  close(): void;
}

export interface SharedSocketProviderOptions {
  awareness: awarenessProtocol.Awareness;
  params: Record<string, string>;
  /** The shared socket for these parameters (one per token). */
  socketFor(params: Record<string, string>): MuxSocket;
}

export class SharedSocketProvider extends ObservableV2<Events> implements MuxRoom {
  readonly messageHandlers = defaultHandlers();
  readonly awareness: awarenessProtocol.Awareness;
  params: Record<string, string>;
  ws: RoomLink | null = null;
  wsconnected = false;
  wsconnecting = false;
  shouldConnect = false;
  private isSynced = false;
  /** The socket this room is added to, while it is. */
  private socket: MuxSocket | null = null;

  constructor(
    readonly room: string,
    readonly doc: Y.Doc,
    private readonly options: SharedSocketProviderOptions,
  ) {
    super();
    this.awareness = options.awareness;
    this.params = options.params;
    doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  get url(): string {
    return `${this.socket?.url ?? ''}#${this.room}`;
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

  shouldReconnect(event: CloseInfo, _provider?: unknown): boolean {
    return !isFinalRoomClose(event.code);
  }

  connect(): void {
    this.shouldConnect = true;
    if (this.ws !== null || this.wsconnecting) return;
    const socket = this.options.socketFor(this.params);
    if (this.socket !== null && this.socket !== socket) this.socket.remove(this);
    this.socket = socket;
    this.wsconnecting = true;
    this.emit('status', [{ status: 'connecting' }]);
    socket.add(this);
  }

  disconnect(): void {
    this.shouldConnect = false;
    const socket = this.socket;
    this.socket = null;
    socket?.remove(this);
    this.ended(null);
  }

  override destroy(): void {
    this.disconnect();
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    super.destroy();
  }

  joinRequest(): MuxJoin {
    return {
      room: this.room,
      durableAck: this.params[DURABLE_ACK_PARAM] === '1',
      stateVector: Y.encodeStateVector(this.doc),
    };
  }

  joined(): void {
    const socket = this.socket;
    if (socket === null) return;
    this.wsconnecting = false;
    this.wsconnected = true;
    // Joined along with the others when the shared socket reopened: it is connected, whatever
    // its own retry timer still says.
    this.shouldConnect = true;
    this.ws = { send: (frame) => socket.send(this.room, frame), close: () => this.disconnect() };
    this.emit('status', [{ status: 'connected' }]);
    if (this.awareness.getLocalState() !== null) {
      socket.send(this.room, presenceFrame(this.awareness, [this.doc.clientID]));
    }
  }

  receive(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame);
    const encoder = encoding.createEncoder();
    const type = decoding.readVarUint(decoder);
    const handler = this.messageHandlers[type];
    if (handler === undefined) return; // a type from a newer server
    handler(encoder, decoder, this, true, type);
    if (encoding.length(encoder) > 1) this.ws?.send(encoding.toUint8Array(encoder));
  }

  closedByServer(code: number, reason: string): void {
    // Told while `shouldConnect` still holds, as y-websocket does: ReconnectController takes a close
    // without it for a deliberate disconnect.
    this.ended({ code, reason });
    if (!isFinalRoomClose(code)) return;
    // The server decided; stop until connect() is called again.
    this.shouldConnect = false;
    const socket = this.socket;
    this.socket = null;
    socket?.remove(this);
    this.emit('closed', [{ code, reason }, this]);
  }

  disconnected(code: number, reason: string): void {
    this.ended({ code, reason });
  }

  private ended(event: CloseInfo | null): void {
    const wasOpen = this.wsconnected;
    if (this.ws === null && !this.wsconnecting && !wasOpen) return;
    this.ws = null;
    this.wsconnecting = false;
    this.wsconnected = false;
    this.emit('connection-close', [event, this]);
    if (!wasOpen) return;
    this.synced = false;
    forgetOthers(this.awareness, this.doc.clientID, this);
    this.emit('status', [{ status: 'disconnected' }]);
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== this && this.wsconnected) this.ws?.send(encodeSyncUpdate(update));
  };

  private readonly onAwarenessUpdate = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    // Not what the server told us: echoing others' presence back only makes it probe them (S5.5).
    if (origin === this || !this.wsconnected) return;
    this.ws?.send(presenceFrame(this.awareness, changedIds(changes)));
  };
}
