import { describe, expect, it } from 'vitest';
import { crowdSteps, judge, serverOrder, TARGETS } from '../bench/plan';
import { windowMetrics } from '../bench/server-metrics';

describe('bench targets', () => {
  it('measures every server in every place of a run equally often over the runs', () => {
    const servers = ['ours', 'reference', 'raw'];
    const firsts = [0, 1, 2, 3, 4, 5].map((run) => serverOrder(servers, run)[0]);
    expect(firsts).toEqual(['ours', 'reference', 'raw', 'ours', 'reference', 'raw']);
    for (let run = 0; run < 6; run++)
      expect([...serverOrder(servers, run)].sort()).toEqual([...servers].sort());
    expect(serverOrder(servers, 1)).toEqual(['reference', 'raw', 'ours']);
    expect(serverOrder([], 3)).toEqual([]);
  });

  it('judges the latency p99 against the better of the reference server and Hocuspocus', () => {
    const target = TARGETS.find((t) => t.scenario === 'latency' && t.kind === 'vsBestPeer')!;
    expect(judge(target, { ours: { p99: 6 }, reference: { p99: 8 }, hocuspocus: { p99: 5 } })).toEqual({
      verdict: 'MISS',
      value: 1.2,
    });
    expect(judge(target, { ours: { p99: 4 }, reference: { p99: 8 }, hocuspocus: { p99: 5 } }).verdict).toBe(
      'PASS',
    );
    // Without a peer measured there is nothing to judge.
    expect(judge(target, { ours: { p99: 4 } }).verdict).toBe('');
  });

  it('has both crowd targets for every step of the ramp, ending at 1,000 clients', () => {
    expect(crowdSteps(false).at(-1)).toBe(1000);
    for (const n of crowdSteps(false)) {
      expect(TARGETS.filter((t) => t.scenario === `crowd-${n}`).map((t) => t.metric)).toEqual([
        'delivered',
        'p99',
      ]);
    }
  });
});

describe('our server’s view of a load window', () => {
  const scrapeOf = (count: number, sum: number, buckets: Record<string, number>, gc: number) =>
    new Map<string, number>([
      ['trellis_persist_write_seconds_count', count],
      ['trellis_persist_write_seconds_sum', sum],
      ...Object.entries(buckets).map(
        ([le, n]) => [`trellis_persist_write_seconds_bucket{le="${le}"}`, n] as const,
      ),
      ['trellis_nodejs_gc_duration_seconds_sum{kind="minor"}', gc],
      ['trellis_nodejs_gc_duration_seconds_count{kind="minor"}', gc * 1000],
      ['trellis_nodejs_eventloop_lag_p99_seconds', 0.0125],
    ]);

  it('takes differences between the scrapes: write time, the p99 bucket, updates per write, GC', () => {
    const before = scrapeOf(10, 0.01, { '0.001': 10, '0.005': 10, '+Inf': 10 }, 0.002);
    // 100 writes in the window: 98 under 1 ms, 2 between 1 and 5 ms.
    const after = scrapeOf(110, 0.06, { '0.001': 108, '0.005': 110, '+Inf': 110 }, 0.005);
    const m = windowMetrics(before, after, 150);
    expect(m.persistMeanMs).toBeCloseTo(0.5);
    expect(m.persistP99Ms).toBe(5);
    expect(m.updatesPerWrite).toBe(1.5);
    expect(m.gcMs).toBeCloseTo(3);
    expect(m.gcCount).toBeCloseTo(3);
    expect(m.loopDelayP99Ms).toBeCloseTo(2.5);
  });
});
