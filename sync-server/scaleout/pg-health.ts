import pg from 'pg';
import type { Logger } from '../core/ports';

export interface PostgresHealthOptions {
  databaseUrl: string;
  logger: Logger;
  /** Pause between two probes (the next starts only after the previous one answered or timed out). */
  intervalMs?: number;
  /** A probe that takes longer counts as PostgreSQL being unreachable. */
  timeoutMs?: number;
}

const DEFAULT_INTERVAL_MS = 1_000;
const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * Whether PostgreSQL answers: a `SELECT 1` every second on a connection of its own, never one per
 * readiness request (a balancer polling `/readyz` costs nothing here). Not on the snapshot pool:
 * when loads or compactions hold all its clients the probe would wait for one and report a busy
 * database as a dead one. One probe at a time; its timer does not keep the process alive.
 */
export class PostgresHealth {
  private client: pg.Client | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private probing: Promise<void> | null = null;
  private stopped = false;
  private up = true;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: PostgresHealthOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Reachable at the last probe (true until the first one says otherwise: the start checked it). */
  healthy(): boolean {
    return this.up;
  }

  start(): void {
    if (!this.stopped && this.timer === null && this.probing === null) this.schedule(0);
  }

  /** Probes at once (e.g. the pool saw a connection die) unless a probe is under way. */
  probeSoon(): void {
    if (this.stopped || this.probing !== null) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.probing;
    await this.dropClient();
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.probing = this.probe().finally(() => {
        this.probing = null;
        if (!this.stopped) this.schedule(this.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    let ok = false;
    try {
      if (!this.client) {
        const client = new pg.Client({
          connectionString: this.options.databaseUrl,
          connectionTimeoutMillis: this.timeoutMs,
          query_timeout: this.timeoutMs,
          application_name: 'trellis-health',
        });
        // A connection that dies between probes is replaced by the next one.
        client.on('error', () => {
          if (this.client === client) this.client = null;
          client.end().catch(() => {});
        });
        this.client = client;
        await client.connect();
      }
      await this.client.query('SELECT 1');
      ok = true;
    } catch (error) {
      this.options.logger.debug({ err: (error as Error).message }, 'postgres probe failed');
      // Not awaited: a connection that never opened may never report its end.
      void this.dropClient();
    }
    if (this.stopped) return;
    if (this.up && !ok) {
      this.options.logger.error({}, 'postgres unreachable: documents not open yet cannot be opened');
    } else if (!this.up && ok) {
      this.options.logger.info({}, 'postgres reachable again');
    }
    this.up = ok;
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
