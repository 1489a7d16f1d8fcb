import {
  MalformedMuxFrameError,
  type MuxFrame,
  readMuxFrame,
  writeClosed,
  writeMessage,
} from '../../shared/mux-wire';
import { CloseCode } from '../../shared/protocol';
import { boardOfRoom, isValidRoomName } from '../../shared/room-names';
import { encodeSyncStep1 } from '../../shared/wire';
import type { Logger, SyncSocket } from '../core/ports';
import type { ConnectionHandlers, SyncCore } from '../core/sync-core';
import type { TokenBucket } from '../limits/token-bucket';
import type { AccessDecision } from './ws-transport';

/** Rooms one multiplexed socket may hold at once; a join past it is refused for that room (4429). */
export const MAX_ROOMS_PER_SOCKET = 256;
/**
 * Frames held while a socket is over its join rate, at most: the socket is not read meanwhile, so
 * only what the transport had already read arrives; past it the client ignores TCP itself (S14.8).
 */
const MAX_HELD_BYTES = 4 * 1024 * 1024;

export interface MuxSessionOptions {
  core: SyncCore;
  logger: Logger;
  remoteAddress: string;
  /** The access decision for one room, with the token the socket was opened with (S14.3). */
  authorize(room: string): Promise<AccessDecision> | AccessDecision;
  /** Runs `fn` at epoch-ms `when` (a token's expiry); returns a cancel function. */
  at(when: number, fn: () => void): () => void;
  /**
   * Rooms this socket may join or leave (one token per room named in a join, one per leave), on the
   * clock of `at` (epoch ms); absent or null: no limit (S14.8).
   */
  joinLimit?: TokenBucket | null;
}

/** The per-room close code for an upgrade status the per-room endpoint would have answered with. */
const REFUSAL_CODE: Record<number, number> = {
  400: 4400,
  401: CloseCode.tokenExpired,
  403: CloseCode.forbidden,
  429: CloseCode.rateLimited,
  503: CloseCode.overloaded,
};

/**
 * A multiplexed frame built once per room and inner frame: the core hands the same frame to every
 * connection of a room (a broadcast), and the same wrapped bytes let the transport frame it once too.
 */
const wrapped = new WeakMap<Uint8Array, { room: string; bytes: Uint8Array }>();

function wrap(room: string, frame: Uint8Array): Uint8Array {
  const known = wrapped.get(frame);
  if (known !== undefined && known.room === room) return known.bytes;
  const bytes = writeMessage(room, frame);
  wrapped.set(frame, { room, bytes });
  return bytes;
}

/**
 * One room on a multiplexed socket, as the core sees it: a `SyncSocket` of its own, so a room sees
 * connections, not endpoints (S14.1). Sending wraps the frame with its room; the buffered amount and
 * drain are the shared socket's, so when the socket lags every room that sends to it pauses and each
 * catches up on drain (S8 per room, S14.5).
 */
class RoomSubscription implements SyncSocket {
  /** Null while the room's access is being checked; frames meanwhile wait in `queue`. */
  handlers: ConnectionHandlers | null = null;
  queue: Uint8Array[] = [];
  ended = false;
  generation: number | null = null;
  cancelExpiry: (() => void) | null = null;
  private paused = false;

  constructor(
    private readonly session: MuxSession,
    readonly room: string,
    readonly durableAck: boolean,
  ) {}

  send(frame: Uint8Array): void {
    if (!this.ended) this.session.shared.send(wrap(this.room, frame));
  }

  /** A frame from the client for this room: handled, or queued while its access is checked. */
  deliver(frame: Uint8Array): void {
    if (this.handlers === null) this.queue.push(frame);
    else this.handlers.handleFrame(frame);
  }

  get bufferedAmount(): number {
    return this.session.shared.bufferedAmount;
  }

  /** The server ends this room's subscription: the client is told with a `closed` frame. */
  close(code: number, reason: string): void {
    if (this.ended) return;
    this.end();
    this.session.shared.send(writeClosed(this.room, code, reason));
  }

  onDrain(fn: () => void): void {
    this.session.onDrain(fn);
  }

  probe(timeoutMs: number, onResult: (alive: boolean) => void): void {
    const { shared } = this.session;
    if (shared.probe === undefined) onResult(true);
    else shared.probe(timeoutMs, onResult);
  }

  /** Over its rate, a room stops the shared socket being read: TCP slows the one client down (S6.2). */
  pauseReading(): void {
    if (this.paused || this.ended) return;
    this.paused = true;
    this.session.pauseReading();
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.session.resumeReading();
  }

  /** Forgets the subscription (the core's side is told by the caller, or already knows). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue = [];
    this.cancelExpiry?.();
    this.cancelExpiry = null;
    this.resumeReading();
    this.session.forget(this);
  }
}

/**
 * The server's side of one multiplexed socket (`/_mux`, S14): joins, leaves and per-room frames.
 * It is the socket's `ConnectionHandlers`, as a `Connection` is for a per-room socket. It imports
 * no transport: the shared socket is a `SyncSocket`, so the seeded simulation drives it too.
 */
export class MuxSession implements ConnectionHandlers {
  private readonly rooms = new Map<string, RoomSubscription>();
  private drainWaiters: Array<() => void> | null = null;
  private pausedRooms = 0;
  private closed = false;
  /** Frames read while over the join rate, in order; null when not holding (S14.8). */
  private held: MuxFrame[] | null = null;
  private heldBytes = 0;
  private cancelRelease: (() => void) | null = null;

  constructor(
    readonly shared: SyncSocket,
    private readonly options: MuxSessionOptions,
  ) {}

  get roomCount(): number {
    return this.rooms.size;
  }

  handleFrame(bytes: Uint8Array): void {
    if (this.closed) return;
    let frame: MuxFrame;
    try {
      frame = readMuxFrame(bytes);
      if (frame.op === 'closed')
        throw new MalformedMuxFrameError('closed frames go from server to client only');
    } catch (error) {
      const reason = `malformed frame: ${(error as Error).message}`;
      this.options.logger.warn({ addr: this.options.remoteAddress, bytes: bytes.byteLength }, reason);
      this.close(CloseCode.protocolError, reason.slice(0, 120));
      return;
    }
    if (this.held !== null || !this.withinJoinRate(frame)) {
      this.hold(frame, bytes.byteLength);
      return;
    }
    this.dispatch(frame);
  }

  private dispatch(frame: MuxFrame): void {
    switch (frame.op) {
      case 'join':
        for (const join of frame.rooms) this.join(join.room, join.durableAck, join.stateVector);
        return;
      case 'leave': {
        const subscription = this.rooms.get(frame.room);
        if (subscription === undefined) return;
        const handlers = subscription.handlers;
        subscription.end();
        handlers?.handleClose(1000, 'left the room');
        return;
      }
      case 'message': {
        // A frame for a room not joined (or just closed by the server) is dropped: the client learns
        // of the close from its `closed` frame.
        this.rooms.get(frame.room)?.deliver(frame.frame);
        return;
      }
    }
  }

  /** Takes the join-rate tokens a frame needs: one per room it joins or leaves (S14.8). */
  private withinJoinRate(frame: MuxFrame): boolean {
    const limit = this.options.joinLimit;
    if (limit == null) return true;
    const cost = frame.op === 'join' ? frame.rooms.length : frame.op === 'leave' ? 1 : 0;
    return cost === 0 || limit.spend(cost);
  }

  /**
   * Over the join rate the socket is not refused (a tab reconnecting must get its rooms): it is no
   * longer read, so TCP slows the client down, and what was read already waits, in order, until
   * the rate allows (S14.8, as S6.2 for messages).
   */
  private hold(frame: MuxFrame, bytes: number): void {
    if (this.held === null) {
      this.held = [];
      this.heldBytes = 0;
      this.pauseReading();
      this.options.logger.info(
        { addr: this.options.remoteAddress, rooms: this.rooms.size },
        'joining and leaving rooms too fast: reading paused',
      );
      this.scheduleRelease();
    }
    this.held.push(frame);
    this.heldBytes += bytes;
    if (this.heldBytes > MAX_HELD_BYTES) {
      this.close(CloseCode.rateLimited, 'joining and leaving rooms too fast');
    }
  }

  private scheduleRelease(): void {
    const wait = Math.max(1, this.options.joinLimit?.msUntilReady() ?? 0);
    this.cancelRelease = this.options.at(Date.now() + wait, () => {
      this.cancelRelease = null;
      this.release();
    });
  }

  private release(): void {
    const held = this.held;
    if (this.closed || held === null) return;
    while (held.length > 0) {
      if (!this.withinJoinRate(held[0]!)) {
        this.scheduleRelease();
        return;
      }
      this.dispatch(held.shift()!);
      if (this.closed) return;
    }
    this.held = null;
    this.resumeReading();
  }

  /** The shared socket closed: every room's connection ends with its code. */
  handleClose(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelRelease?.();
    this.cancelRelease = null;
    this.held = null;
    for (const subscription of [...this.rooms.values()]) {
      const handlers = subscription.handlers;
      subscription.end();
      handlers?.handleClose(code, reason);
    }
  }

  /** The server ends the whole socket (broken framing, shutdown). */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.shared.close(code, reason);
    this.handleClose(code, reason);
  }

  /** Closes (4401) the subscriptions to `board`'s rooms opened with a token revoked at `revokedAt`. */
  closeRevoked(board: string, revokedAt: number): number {
    let closed = 0;
    for (const subscription of [...this.rooms.values()]) {
      const { generation, handlers } = subscription;
      if (generation === null || generation > revokedAt || boardOfRoom(subscription.room) !== board) continue;
      this.options.logger.info(
        { room: subscription.room, addr: this.options.remoteAddress },
        'token revoked while connected: closing the room',
      );
      if (handlers === null) subscription.close(CloseCode.tokenRevoked, 'token revoked');
      else handlers.close(CloseCode.tokenRevoked, 'token revoked');
      closed++;
    }
    return closed;
  }

  onDrain(fn: () => void): void {
    if (this.drainWaiters !== null) {
      this.drainWaiters.push(fn);
      return;
    }
    const waiters = [fn];
    this.drainWaiters = waiters;
    this.shared.onDrain(() => {
      if (this.drainWaiters === waiters) this.drainWaiters = null;
      for (const waiter of waiters) waiter();
    });
  }

  pauseReading(): void {
    if (this.pausedRooms++ === 0) this.shared.pauseReading?.();
  }

  resumeReading(): void {
    if (--this.pausedRooms === 0) this.shared.resumeReading?.();
  }

  forget(subscription: RoomSubscription): void {
    if (this.rooms.get(subscription.room) === subscription) this.rooms.delete(subscription.room);
  }

  private join(room: string, durableAck: boolean, stateVector: Uint8Array | null): void {
    const existing = this.rooms.get(room);
    if (existing !== undefined) {
      // Joined already: the vector is a sync step 1 on the live subscription.
      if (stateVector !== null) existing.deliver(encodeSyncStep1(stateVector));
      return;
    }
    const refuse = (code: number, reason: string) => {
      this.options.logger.info({ room: room.slice(0, 80), addr: this.options.remoteAddress, code }, reason);
      this.shared.send(writeClosed(room, code, reason));
    };
    if (!isValidRoomName(room)) {
      refuse(4400, 'invalid room name: use 1-200 of A-Z a-z 0-9 _ - .');
      return;
    }
    if (this.rooms.size >= MAX_ROOMS_PER_SOCKET) {
      refuse(CloseCode.rateLimited, `at most ${MAX_ROOMS_PER_SOCKET} rooms on one socket`);
      return;
    }
    const subscription = new RoomSubscription(this, room, durableAck);
    if (stateVector !== null) subscription.queue.push(encodeSyncStep1(stateVector));
    this.rooms.set(room, subscription);
    const decided = (decision: AccessDecision) => this.admit(subscription, decision);
    const failed = (error: unknown) => {
      this.options.logger.error({ room, err: error }, 'access check failed');
      this.admit(subscription, { ok: false, status: 503, reason: 'access check failed; retry' });
    };
    try {
      const decision = this.options.authorize(room);
      if (decision instanceof Promise) decision.then(decided, failed);
      else decided(decision);
    } catch (error) {
      failed(error);
    }
  }

  private admit(subscription: RoomSubscription, decision: AccessDecision): void {
    if (subscription.ended || this.closed) return;
    const { room } = subscription;
    if (!decision.ok) {
      this.options.logger.info(
        { room, addr: this.options.remoteAddress, status: decision.status, reason: decision.reason },
        'room refused on a multiplexed socket',
      );
      subscription.close(REFUSAL_CODE[decision.status] ?? 4400, decision.reason);
      return;
    }
    if (decision.generation !== undefined) subscription.generation = decision.generation;
    const handlers = this.options.core.handleConnection(subscription, {
      room,
      readOnly: decision.readOnly,
      durableAck: subscription.durableAck,
      remoteAddress: this.options.remoteAddress,
    });
    if (subscription.ended) return; // refused by the core (shutting down, too many rooms)
    subscription.handlers = handlers;
    if (decision.expiresAt !== undefined) {
      subscription.cancelExpiry = this.options.at(decision.expiresAt, () => {
        this.options.logger.info(
          { room, addr: this.options.remoteAddress },
          'token expired: closing the room',
        );
        handlers.close(CloseCode.tokenExpired, 'token expired');
      });
    }
    const queued = subscription.queue;
    subscription.queue = [];
    for (const frame of queued) {
      if (subscription.ended) break;
      handlers.handleFrame(frame);
    }
  }
}
