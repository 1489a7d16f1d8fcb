import { Counter, Gauge, type Registry } from 'prom-client';
import type { Compaction } from './compaction';
import { parseStreamId } from './keys';
import type { RedisFeed } from './redis-feed';

export interface ScaleOutMetricSources {
  feed: RedisFeed;
  compaction: Compaction;
  redisHealthy(): boolean;
  postgresHealthy(): boolean;
}

/** A scrape never waits longer than this for Redis (the lag query). */
const LAG_QUERY_TIMEOUT_MS = 1_000;
const COMPACTION_RESULTS = ['compacted', 'current', 'busy', 'failed'] as const;

/**
 * The scale-out figures in the instance's registry (sync-server/scaleout/README.md, "Metrics",
 * says what each one means). Registered only in scale-out mode, so a single node shows none of them.
 */
export function registerScaleOutMetrics(registry: Registry, sources: ScaleOutMetricSources): void {
  new Gauge({
    name: 'trellis_scaleout_up',
    help: 'Whether this instance reaches the service (1) or not (0): redis when its commands connection is ready, postgresql at its last probe (each second)',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      this.set({ service: 'redis' }, sources.redisHealthy() ? 1 : 0);
      this.set({ service: 'postgresql' }, sources.postgresHealthy() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'trellis_scaleout_feed_lag_seconds',
    help: 'Age (by the Redis clock) of the oldest stream entry of an open document this instance has not applied yet; 0 when caught up, NaN when Redis did not answer',
    registers: [registry],
    async collect() {
      if (!sources.redisHealthy()) {
        this.set(Number.NaN);
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<number>((resolve) => {
        timer = setTimeout(() => resolve(Number.NaN), LAG_QUERY_TIMEOUT_MS);
        timer.unref();
      });
      const lag = sources.feed.lagSeconds().catch(() => Number.NaN);
      this.set(await Promise.race([lag, timeout]));
      clearTimeout(timer);
    },
  });
  const runs = new Counter({
    name: 'trellis_scaleout_compactions_total',
    help: 'Compaction runs of this instance’s worker by result: compacted (new snapshot), current (nothing new), busy (another worker held the room), failed',
    labelNames: ['result'],
    registers: [registry],
  });
  // Every result shows from the start, so a rate over `failed` exists before the first failure.
  for (const result of COMPACTION_RESULTS) runs.inc({ result }, 0);
  const trimmed = new Counter({
    name: 'trellis_scaleout_trimmed_entries_total',
    help: 'Stream entries removed by this instance’s trims (XTRIM MINID after a committed snapshot)',
    registers: [registry],
  });
  const boundary = new Gauge({
    name: 'trellis_scaleout_trim_boundary_timestamp_seconds',
    help: 'Time part of the first stream entry id kept by this instance’s latest trim (entries before it are gone); 0 before the first trim',
    registers: [registry],
  });
  sources.compaction.observe({
    ran: (result) => runs.inc({ result }),
    trimmed: (keepFrom, removed) => {
      trimmed.inc(removed);
      boundary.set(Number(parseStreamId(keepFrom)[0]) / 1000);
    },
  });
}
