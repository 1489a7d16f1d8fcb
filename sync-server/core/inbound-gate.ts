import { MessageType, SyncStep } from '../../shared/protocol';
import type { TokenBucket } from '../limits/token-bucket';
import type { Clock, SyncSocket } from './ports';

/**
 * Frames held while over a rate, at most: the socket is not read meanwhile, so only what the
 * transport had already read arrives; a client that still sends this much ignores TCP itself.
 */
const MAX_HELD_BYTES = 16 * 1024 * 1024;

export interface InboundGateOptions {
  /** Every message takes a token (S6.2); null for no limit. */
  messages: TokenBucket | null;
  /** A sync step 1 also takes one of these (S6.4): each costs the server a diff of the document. */
  syncRequests: TokenBucket | null;
  clock: Clock;
  socket: SyncSocket;
  /** Handles one admitted frame. */
  handle(frame: Uint8Array): void;
  /** The client went over a rate and its socket is no longer read (once per episode). */
  onThrottled(): void;
  /** The client keeps sending although its socket is not read: it is beyond saving. */
  onOverflow(): void;
}

/**
 * Lets a connection's frames through at its allowed rates. Above a rate it does not close the
 * connection (the stock provider stops reconnecting on 44xx codes and would be stranded, with its
 * later edits lost): it stops reading the socket, so TCP slows the client down, holds the frames
 * already read, in order, and lets them through as tokens come back.
 */
export class InboundGate {
  private held: Uint8Array[] | null = null;
  private heldBytes = 0;
  private timer: unknown = null;
  private closed = false;

  constructor(private readonly options: InboundGateOptions) {}

  offer(frame: Uint8Array): void {
    if (this.closed) return;
    if (this.held !== null) {
      this.hold(frame);
      return;
    }
    if (this.admit(frame)) {
      this.options.handle(frame);
      return;
    }
    this.held = [];
    this.heldBytes = 0;
    this.hold(frame);
    this.options.socket.pauseReading?.();
    this.options.onThrottled();
    this.schedule(frame);
  }

  /** The connection ended: nothing more is handled, and the socket is read again (its close handshake needs it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    if (this.held !== null) this.options.socket.resumeReading?.();
    this.held = null;
  }

  private hold(frame: Uint8Array): void {
    this.held!.push(frame);
    this.heldBytes += frame.byteLength;
    if (this.heldBytes > MAX_HELD_BYTES) this.options.onOverflow();
  }

  /** Takes the tokens `frame` needs, all or none. */
  private admit(frame: Uint8Array): boolean {
    const { messages, syncRequests } = this.options;
    const request = isSyncStep1(frame) ? syncRequests : null;
    if ((messages !== null && !messages.ready()) || (request !== null && !request.ready())) return false;
    messages?.take();
    request?.take();
    return true;
  }

  private schedule(next: Uint8Array): void {
    const { messages, syncRequests, clock } = this.options;
    const wait = Math.max(
      messages?.msUntilReady() ?? 0,
      isSyncStep1(next) ? (syncRequests?.msUntilReady() ?? 0) : 0,
      1,
    );
    this.timer = clock.setTimeout(() => this.release(), wait);
  }

  private release(): void {
    this.timer = null;
    const held = this.held;
    if (this.closed || held === null) return;
    while (held.length > 0) {
      const frame = held[0]!;
      if (!this.admit(frame)) {
        this.schedule(frame);
        return;
      }
      held.shift();
      this.heldBytes -= frame.byteLength;
      this.options.handle(frame);
      if (this.closed) return;
    }
    this.held = null;
    this.options.socket.resumeReading?.();
  }
}

/** A sync step 1 (message type and sync type are one byte each while below 128). */
function isSyncStep1(frame: Uint8Array): boolean {
  return frame[0] === MessageType.sync && frame[1] === SyncStep.step1;
}
