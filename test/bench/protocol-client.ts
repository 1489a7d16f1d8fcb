/**
 * A lightweight y-websocket protocol client for load generation: one `ws` socket and one Y.Doc
 * holding only this client's own edits. It answers sync step 1 with step 2 from its doc, sends its
 * edits as sync updates and its awareness state as awareness updates, as the `y-websocket` provider
 * does, but it does not apply what it receives (unless `applyRemote`): a receiver only scans frames
 * for the send timestamps embedded in them (see markers.ts), so 300 clients fit in two processes.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MessageType, SyncStep } from '../../shared/protocol';
import {
  awarenessMarker,
  editMarker,
  type Marker,
  nowEpochMs,
  scanAwarenessMarkers,
  scanEditMarkers,
} from './markers';

/**
 * Frame type the raw relay's join responder echoes awareness frames with (raw mode only): a client
 * of the raw relay counts as "synced" when the echo of its own join message arrives.
 */
export const RAW_ECHO_TYPE = 0xf0;

/**
 * 'hocuspocus': the y-websocket messages inside Hocuspocus's framing, which prefixes every frame
 * with its document's name (its way of carrying many documents on one socket) and wants an auth
 * message before it answers anything else for that document.
 */
export type ClientMode = 'yjs' | 'raw' | 'hocuspocus';

/** Hocuspocus message types besides the y-websocket ones (@hocuspocus/server's MessageType). */
const HOCUSPOCUS_AUTH = 2;
const HOCUSPOCUS_SYNC_REPLY = 4;

export interface ClientHandlers {
  onEdit?(marker: Marker, receivedAtMs: number): void;
  onAwareness?(marker: Marker, receivedAtMs: number): void;
  onSynced?(syncedAtMs: number): void;
  onClose?(code: number): void;
}

export interface BenchClientOptions {
  url: string;
  /** Index of this client among all the scenario's clients (the `sender` in markers). */
  id: number;
  mode: ClientMode;
  /** Publish an awareness state on open, as a provider with a local state does. */
  awareness: boolean;
  /** Apply received step 2 and updates to the local doc (the cold-load and join checks need it). */
  applyRemote?: boolean;
  /** Raw mode: this client echoes every awareness frame it receives (the join storm's "server"). */
  rawResponder?: boolean;
  /** Raw mode: synced when the responder's echo of our join arrives (else: when open). */
  rawSyncOnEcho?: boolean;
  handlers?: ClientHandlers;
}

const REMOTE = Symbol('remote');

export class BenchClient {
  readonly doc = new Y.Doc();
  readonly options: BenchClientOptions;
  private readonly ws: WebSocket;
  private readonly map: Y.Map<string>;
  private editSeq = 0;
  private awarenessSeq = 0;
  private awarenessClock = 0;
  private awarenessState: Record<string, unknown> | null = null;
  private readonly stepTwoWaiters: (() => void)[] = [];
  private readonly syncedWaiters: (() => void)[] = [];
  private readonly openPromise: Promise<void>;
  /** Hocuspocus mode: the document name every frame starts with; null otherwise. */
  private readonly docName: string | null;
  syncedAtMs = Number.NaN;
  /** When the frame being handled arrived (before the client applied it). */
  lastMessageAtMs = Number.NaN;
  openedAtMs = Number.NaN;
  firstMessageAtMs = Number.NaN;
  closed = false;
  closeCode = 0;
  bytesReceived = 0;
  framesReceived = 0;

  constructor(options: BenchClientOptions) {
    this.options = options;
    this.docName = options.mode === 'hocuspocus' ? new URL(options.url).pathname.slice(1) : null;
    this.map = this.doc.getMap('bench');
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.sync);
      encoding.writeVarUint(encoder, SyncStep.update);
      encoding.writeVarUint8Array(encoder, update);
      this.send(encoding.toUint8Array(encoder));
    });
    if (options.awareness) {
      this.awarenessState = {
        user: { name: `bench-${options.id}`, color: '#3b82f6' },
        cursor: null,
        b: awarenessMarker(options.id, 0, nowEpochMs()),
      };
    }
    this.ws = new WebSocket(options.url, { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.openPromise = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', (err) => reject(err));
    });
    // A failed connect rejects openPromise; whoever awaits it reports the error.
    this.openPromise.catch(() => {});
    this.ws.on('open', () => this.handleOpen());
    this.ws.on('message', (data: Buffer) => this.handleMessage(data));
    this.ws.on('close', (code: number) => {
      this.closed = true;
      this.closeCode = code;
      this.options.handlers?.onClose?.(code);
    });
    this.ws.on('error', () => {});
  }

  whenOpen(): Promise<void> {
    return this.openPromise;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Make one small edit carrying its send timestamp; returns the sequence number used. */
  edit(): number {
    const seq = ++this.editSeq;
    this.map.set(`c${this.options.id}`, editMarker(this.options.id, seq, nowEpochMs()));
    return seq;
  }

  get editsSent(): number {
    return this.editSeq;
  }

  /** Renew the awareness state (the provider does this every 15 s), with a fresh timestamp. */
  renewAwareness(): void {
    if (this.awarenessState === null) return;
    this.awarenessSeq++;
    this.awarenessState.b = awarenessMarker(this.options.id, this.awarenessSeq, nowEpochMs());
    this.sendAwareness();
  }

  /** Send a raw Yjs update message (the cold-load builder pre-generates its updates). */
  sendUpdate(update: Uint8Array): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    encoding.writeVarUint(encoder, SyncStep.update);
    encoding.writeVarUint8Array(encoder, update);
    this.send(encoding.toUint8Array(encoder));
  }

  /** Resolves when synced (Yjs: first step 2; raw: open or join echo), rejects after `timeoutMs`. */
  whenSynced(timeoutMs: number): Promise<void> {
    if (!Number.isNaN(this.syncedAtMs)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`client ${this.options.id} not synced in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.syncedWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Send sync step 1 and resolve on the next step 2: the server has handled everything this client
   * sent before (messages of one connection are handled in order).
   */
  probe(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no sync step 2 within ${timeoutMs} ms`)), timeoutMs);
      this.stepTwoWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.sendStepOne();
    });
  }

  close(): void {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) {
      this.ws.close();
    }
  }

  terminate(): void {
    this.ws.terminate();
  }

  private send(message: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.docName === null) {
      this.ws.send(message);
      return;
    }
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, this.docName);
    encoding.writeUint8Array(encoder, message);
    this.ws.send(encoding.toUint8Array(encoder));
  }

  private sendStepOne(): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    encoding.writeVarUint(encoder, SyncStep.step1);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.doc));
    this.send(encoding.toUint8Array(encoder));
  }

  private sendAwareness(): void {
    if (this.awarenessState === null) return;
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 1);
    encoding.writeVarUint(update, this.doc.clientID);
    encoding.writeVarUint(update, ++this.awarenessClock);
    encoding.writeVarString(update, JSON.stringify(this.awarenessState));
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.awareness);
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(update));
    this.send(encoding.toUint8Array(encoder));
  }

  private handleOpen(): void {
    this.openedAtMs = nowEpochMs();
    if (this.docName !== null) {
      // Hocuspocus answers a document only after its auth message (an empty token: no auth hook).
      const auth = encoding.createEncoder();
      encoding.writeVarUint(auth, HOCUSPOCUS_AUTH);
      encoding.writeVarUint(auth, 0);
      encoding.writeVarString(auth, '');
      this.send(encoding.toUint8Array(auth));
    }
    // What the y-websocket provider sends on open: sync step 1, then its awareness state.
    this.sendStepOne();
    this.sendAwareness();
    if (this.options.mode === 'raw' && !this.options.rawSyncOnEcho) this.markSynced();
  }

  private markSynced(): void {
    if (!Number.isNaN(this.syncedAtMs)) return;
    this.syncedAtMs = nowEpochMs();
    this.options.handlers?.onSynced?.(this.syncedAtMs);
    for (const waiter of this.syncedWaiters.splice(0)) waiter();
  }

  private handleMessage(data: Buffer): void {
    const receivedAt = nowEpochMs();
    this.lastMessageAtMs = receivedAt;
    if (this.framesReceived === 0) this.firstMessageAtMs = receivedAt;
    this.framesReceived++;
    this.bytesReceived += data.length;
    const handlers = this.options.handlers;
    if (this.options.mode === 'raw') {
      this.handleRawFrame(data, receivedAt);
      return;
    }
    const decoder = decoding.createDecoder(data);
    if (this.docName !== null) decoding.readVarString(decoder);
    let type = decoding.readVarUint(decoder);
    if (this.docName !== null && type === HOCUSPOCUS_SYNC_REPLY) type = MessageType.sync;
    switch (type) {
      case MessageType.sync: {
        const step = decoding.readVarUint(decoder);
        if (step === SyncStep.step1) {
          const stateVector = decoding.readVarUint8Array(decoder);
          const encoder = encoding.createEncoder();
          encoding.writeVarUint(encoder, MessageType.sync);
          encoding.writeVarUint(encoder, SyncStep.step2);
          encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, stateVector));
          this.send(encoding.toUint8Array(encoder));
        } else if (step === SyncStep.step2) {
          if (this.options.applyRemote) Y.applyUpdate(this.doc, decoding.readVarUint8Array(decoder), REMOTE);
          this.markSynced();
          this.stepTwoWaiters.shift()?.();
        } else if (step === SyncStep.update) {
          if (this.options.applyRemote) Y.applyUpdate(this.doc, decoding.readVarUint8Array(decoder), REMOTE);
          if (handlers?.onEdit) scanEditMarkers(data, (m) => handlers.onEdit?.(m, receivedAt));
        }
        break;
      }
      case MessageType.awareness:
        if (handlers?.onAwareness) scanAwarenessMarkers(data, (m) => handlers.onAwareness?.(m, receivedAt));
        break;
      case MessageType.queryAwareness:
        this.sendAwareness();
        break;
      default:
        break;
    }
  }

  /** The raw relay forwards frames verbatim: the first byte is still the y-websocket message type. */
  private handleRawFrame(data: Buffer, receivedAt: number): void {
    const handlers = this.options.handlers;
    const type = data[0];
    if (type === MessageType.sync) {
      if (handlers?.onEdit) scanEditMarkers(data, (m) => handlers.onEdit?.(m, receivedAt));
    } else if (type === MessageType.awareness) {
      if (this.options.rawResponder) {
        const echo = Buffer.allocUnsafe(data.length + 1);
        echo[0] = RAW_ECHO_TYPE;
        data.copy(echo, 1);
        this.send(echo);
      }
      if (handlers?.onAwareness) scanAwarenessMarkers(data, (m) => handlers.onAwareness?.(m, receivedAt));
    } else if (type === RAW_ECHO_TYPE && Number.isNaN(this.syncedAtMs)) {
      scanAwarenessMarkers(data, (m) => {
        if (m.sender === this.options.id) this.markSynced();
      });
    }
  }
}
