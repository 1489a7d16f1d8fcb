/**
 * Our server's own view of a load window, from its Prometheus endpoint (`GET /metrics`), scraped
 * before and after: how long the durable writes took (the store's round trip through the thread
 * pool, `trellis_persist_write_seconds`), how many updates each write carried (the batching), the
 * time spent in garbage collection (prom-client's default `nodejs_gc_duration_seconds`), and the
 * event loop's delay (its p99 since the previous scrape).
 */
import type { Metrics } from './scenarios/common';

type Samples = Map<string, number>;

/** prom-client's `eventLoopMonitoringPrecision` default, which our server keeps. */
const LAG_RESOLUTION_MS = 10;

export async function scrape(port: number): Promise<Samples> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  const samples: Samples = new Map();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

const delta = (before: Samples, after: Samples, key: string): number =>
  (after.get(key) ?? 0) - (before.get(key) ?? 0);

/** The bucket bound (ms) at which quantile `q` of the histogram's samples in the window falls. */
function quantileMs(before: Samples, after: Samples, name: string, q: number): number {
  const prefix = `${name}_bucket{le="`;
  const buckets = [...after.keys()]
    .filter((k) => k.startsWith(prefix))
    .map((k) => ({ le: k.slice(prefix.length, k.indexOf('"', prefix.length)), key: k }))
    .map(({ le, key }) => ({
      bound: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le),
      n: delta(before, after, key),
    }))
    .sort((a, b) => a.bound - b.bound);
  const total = buckets.at(-1)?.n ?? 0;
  if (total === 0) return Number.NaN;
  const bucket = buckets.find((b) => b.n >= q * total);
  return (bucket?.bound ?? Number.NaN) * 1000;
}

/** What our server says about the window between two scrapes; `edits` = updates sent in it. */
export function windowMetrics(before: Samples, after: Samples, edits: number): Metrics {
  const writes = delta(before, after, 'trellis_persist_write_seconds_count');
  const gcKeys = [...after.keys()].filter((k) => k.startsWith('trellis_nodejs_gc_duration_seconds_sum'));
  const gcCountKeys = [...after.keys()].filter((k) =>
    k.startsWith('trellis_nodejs_gc_duration_seconds_count'),
  );
  return {
    persistMeanMs:
      writes > 0 ? (delta(before, after, 'trellis_persist_write_seconds_sum') * 1000) / writes : Number.NaN,
    persistP99Ms: quantileMs(before, after, 'trellis_persist_write_seconds', 0.99),
    updatesPerWrite: writes > 0 ? edits / writes : Number.NaN,
    gcMs: gcKeys.reduce((n, k) => n + delta(before, after, k), 0) * 1000,
    gcCount: gcCountKeys.reduce((n, k) => n + delta(before, after, k), 0),
    // The monitor records whole sampling intervals (prom-client's default: 10 ms): less that, the lateness.
    loopDelayP99Ms: Math.max(
      0,
      (after.get('trellis_nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000 - LAG_RESOLUTION_MS,
    ),
  };
}
