/**
 * The small interfaces the core talks through, so it runs the same over `ws`, in tests with
 * fake sockets, and with injected time.
 */

/** One client's socket, as the core sees it. */
export interface SyncSocket {
  send(frame: Uint8Array): void;
  /** Bytes queued for this socket and not yet handed to the kernel. */
  readonly bufferedAmount: number;
  /** Close with a code and reason the client sees. */
  close(code: number, reason: string): void;
  /**
   * Calls `fn` once, when `bufferedAmount` has fallen to 0 (everything queued was handed to the
   * kernel); possibly never, if the socket closes first. How the server learns that a client it
   * stopped sending to reads again.
   */
  onDrain(fn: () => void): void;
  /**
   * Asks the client to answer (a websocket ping) and calls `onResult(true)` if it does within
   * `timeoutMs`, else `onResult(false)`. Transports without one are taken as alive.
   */
  probe?(timeoutMs: number, onResult: (alive: boolean) => void): void;
  /** Stops reading from the client (TCP then slows it down); frames already read may still come. */
  pauseReading?(): void;
  resumeReading?(): void;
}

/**
 * Every timer and timestamp of the core goes through this, so a simulation on a fake clock replays
 * exactly from its seed.
 */
export interface Clock {
  /** Wall-clock epoch milliseconds (idle-room ages, token buckets). */
  now(): number;
  /** Milliseconds from an arbitrary origin with sub-millisecond resolution, for durations. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Runs `fn` once the I/O callbacks of the current event-loop turn have run (`setImmediate`). */
  afterIo(fn: () => void): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  afterIo: (fn) => {
    setImmediate(fn);
  },
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A pino-compatible structured logger (object first, message second). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What the core counts; the HTTP edge exposes it as Prometheus metrics. */
export interface CoreMetrics {
  connectionOpened(): void;
  connectionClosed(reason: string): void;
  roomLoaded(loadSeconds: number): void;
  roomUnloaded(): void;
  messageIn(kind: string, bytes: number): void;
  framesOut(frames: number, bytes: number): void;
  persisted(seconds: number, bytes: number): void;
  persistFailed(): void;
  /** A connection went over its message rate and is no longer read for a while (S6.2). */
  throttled(): void;
  /**
   * A stored document found damaged (S7): `undecodable` (its room goes out of service) or
   * `pending_structs` (served; the missing parts wait for a client that has them).
   */
  documentDamaged(kind: DocumentDamage): void;
  /** A connection read too slowly: the server held back its updates until its socket drained (S8). */
  readerPaused(): void;
}

export type DocumentDamage = 'undecodable' | 'pending_structs';

export const noopMetrics: CoreMetrics = {
  connectionOpened() {},
  connectionClosed() {},
  roomLoaded() {},
  roomUnloaded() {},
  messageIn() {},
  framesOut() {},
  persisted() {},
  persistFailed() {},
  throttled() {},
  documentDamaged() {},
  readerPaused() {},
};
