import type { WebsocketProvider } from 'y-websocket';
import { type BackoffPolicy, DEFAULT_BACKOFF, reconnectDelayMs } from './backoff';
import type { NetworkSignal } from './network';

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Epoch milliseconds (when the next retry is due, for the status). */
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface ReconnectOptions {
  network: NetworkSignal;
  random: () => number;
  timers: Timers;
  backoff?: BackoffPolicy;
  /** Called whenever `failures`, `denied`, `networkOnline` or the retry timer change. */
  onChange(): void;
  /** Asked after a socket closed before it opened: was that an access refusal? */
  checkAccess?: () => Promise<DeniedReason | null>;
}

/** The provider's close event; typed structurally so this file compiles without the DOM lib. */
type CloseEventLike = Parameters<WebsocketProvider['shouldReconnect']>[0];

export interface DeniedReason {
  code: number;
  reason: string;
}

/**
 * Owns the provider's reconnection: y-websocket retries on a fixed exponential schedule without
 * jitter, so after a close we take the retry over (its own timer finds `shouldConnect` false and
 * does nothing) and connect again after a jittered delay. Also follows the browser's
 * online/offline events: no retries while the device has no network, an immediate one when it
 * comes back.
 *
 * The provider must be created with `connect: false` and `maxBackoffTime: 0`, so its own timer
 * always fires (as a no-op) before ours.
 */
export class ReconnectController {
  /** Consecutive closes since the last successful sync. */
  failures = 0;
  denied: DeniedReason | null = null;
  networkOnline: boolean;
  private retryTimer: unknown = null;
  /** When the scheduled retry fires (Timers.now()), or null when none is scheduled. */
  private retryDueAt: number | null = null;
  private started = false;
  /** Whether the current socket reached `connected`; a refused upgrade never does. */
  private opened = false;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly provider: WebsocketProvider,
    private readonly options: ReconnectOptions,
  ) {
    this.networkOnline = options.network.isOnline();
    const handleClose = (event: CloseEventLike | null) => this.handleClose(event);
    const handleStatus = ({ status }: { status: string }) => {
      if (status === 'connected') this.opened = true;
      if (status === 'connecting') this.opened = false;
    };
    const handleSync = (synced: boolean) => {
      if (synced && this.failures !== 0) {
        this.failures = 0;
        options.onChange();
      }
    };
    provider.on('connection-close', handleClose);
    provider.on('status', handleStatus);
    provider.on('sync', handleSync);
    this.unsubscribe.push(
      () => provider.off('connection-close', handleClose),
      () => provider.off('status', handleStatus),
      () => provider.off('sync', handleSync),
      options.network.onChange((online) => this.handleNetwork(online)),
    );
  }

  get retrying(): boolean {
    return this.retryTimer !== null;
  }

  /** When the next attempt is due (Timers.now() time), or null when none is scheduled. */
  get retryAt(): number | null {
    return this.retryDueAt;
  }

  /** Started, not refused, and no socket open or opening: an attempt could be made now. */
  get waiting(): boolean {
    return this.started && this.denied === null && !this.provider.wsconnected && this.provider.ws === null;
  }

  /** The person asked to retry: connect now instead of at the scheduled time. */
  retryNow(): void {
    if (!this.waiting) return;
    this.clearRetry();
    this.provider.connect();
    this.options.onChange();
  }

  start(): void {
    this.started = true;
    this.denied = null;
    this.failures = 0;
    if (this.networkOnline && this.denied === null) this.provider.connect();
  }

  /** Stops retrying and disconnects; the provider stays usable for `start()`. */
  stop(): void {
    this.started = false;
    this.clearRetry();
    this.provider.disconnect();
  }

  destroy(): void {
    this.stop();
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  /** The server refused us (auth message): stop for good until `start()` is called again. */
  deny(reason: DeniedReason): void {
    this.denied = reason;
    this.clearRetry();
    this.provider.disconnect();
    this.options.onChange();
  }

  private handleClose(event: CloseEventLike | null): void {
    // A deliberate `disconnect()` (ours, or a binding's) cleared shouldConnect first.
    if (!this.provider.shouldConnect) return;
    this.failures += 1;
    if (event !== null && !this.provider.shouldReconnect(event, this.provider)) {
      // 4400–4499: the server decided; retrying cannot help. The provider stops by itself.
      this.denied = { code: event.code, reason: event.reason };
      this.options.onChange();
      return;
    }
    this.provider.shouldConnect = false;
    this.scheduleRetry();
    this.options.onChange();
    if (!this.opened && this.options.checkAccess) void this.askWhetherRefused(this.options.checkAccess);
  }

  private async askWhetherRefused(checkAccess: () => Promise<DeniedReason | null>): Promise<void> {
    const refusal = await checkAccess().catch(() => null);
    // Only if we are still waiting to retry: a connection that opened meanwhile settles it.
    if (refusal !== null && this.started && !this.provider.wsconnected && this.denied === null) {
      this.deny(refusal);
    }
  }

  private handleNetwork(online: boolean): void {
    this.networkOnline = online;
    if (!this.started) {
      this.options.onChange();
      return;
    }
    if (online) {
      this.clearRetry();
      this.failures = 0;
      if (this.denied === null) this.provider.connect();
    } else {
      this.clearRetry();
      this.provider.disconnect();
    }
    this.options.onChange();
  }

  private scheduleRetry(): void {
    this.clearRetry();
    const delay = reconnectDelayMs(
      this.failures,
      this.options.random,
      this.options.backoff ?? DEFAULT_BACKOFF,
    );
    this.retryDueAt = this.options.timers.now() + delay;
    this.retryTimer = this.options.timers.setTimeout(() => {
      this.retryTimer = null;
      this.retryDueAt = null;
      if (this.started && this.networkOnline && this.denied === null) this.provider.connect();
      this.options.onChange();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer === null) return;
    this.options.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryDueAt = null;
  }
}
