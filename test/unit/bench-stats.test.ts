import { describe, expect, it } from 'vitest';
import { editMarker, scanEditMarkers } from '../bench/markers';
import { LatencyHistogram, median, percentile, percentileOfSorted, seededRandom } from '../bench/stats';

describe('percentile (nearest rank)', () => {
  it('picks the smallest value with at least p % of the values at or below it', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile(values, 0)).toBe(15);
  });

  it('sorts numerically, not as strings, and leaves the input alone', () => {
    const values = [10, 9, 100, 1];
    expect(percentile(values, 50)).toBe(9);
    expect(values).toEqual([10, 9, 100, 1]);
  });

  it('p99 of 1..1000 is 990; p99 of 1..10 is 10', () => {
    const thousand = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentileOfSorted(thousand, 99)).toBe(990);
    expect(percentileOfSorted(thousand.slice(0, 10), 99)).toBe(10);
  });

  it('is NaN for no values and rejects p outside [0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the two middle ones of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('skips runs that measured nothing (NaN) instead of counting them as zero', () => {
    expect(median([Number.NaN, 10, 30])).toBe(20);
    expect(median([Number.NaN])).toBeNaN();
    expect(median([])).toBeNaN();
  });
});

describe('LatencyHistogram', () => {
  it('reports percentiles within 1 % of the exact ones', () => {
    const random = seededRandom(42);
    const samples = Array.from({ length: 20_000 }, () => 0.05 + random() ** 3 * 400);
    const histogram = new LatencyHistogram();
    for (const s of samples) histogram.record(s);
    for (const p of [1, 50, 90, 99, 99.9]) {
      const exact = percentile(samples, p);
      expect(Math.abs(histogram.percentile(p) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    expect(histogram.percentile(100)).toBe(Math.max(...samples));
    expect(histogram.percentile(0)).toBe(Math.min(...samples));
  });

  it('merges across processes through its JSON form as if all samples were recorded in one', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 1; i <= 500; i++) {
      (i % 2 === 0 ? a : b).record(i);
      all.record(i);
    }
    const merged = new LatencyHistogram().merge(JSON.parse(JSON.stringify(a))).merge(b.toJSON());
    expect(merged.count).toBe(500);
    expect(merged.percentile(50)).toBe(all.percentile(50));
    expect(merged.percentile(99)).toBe(all.percentile(99));
    expect(merged.meanMs()).toBeCloseTo(250.5, 6);
    expect(merged.maxMs).toBe(500);
    expect(merged.minMs).toBe(1);
  });

  it('counts a negative latency (clock skew between processes) as zero; empty is NaN', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.percentile(50)).toBeNaN();
    histogram.record(-0.2);
    expect(histogram.percentile(50)).toBe(0);
    expect(new LatencyHistogram().merge(new LatencyHistogram().toJSON()).count).toBe(0);
  });
});

describe('edit markers', () => {
  it('are found verbatim in a frame with other bytes around them, several per frame', () => {
    const frame = Buffer.concat([
      Buffer.from([0, 2, 77, 119]),
      Buffer.from(editMarker(12, 3, 1_700_000_000_123.456)),
      Buffer.from([1, 2, 3]),
      Buffer.from(editMarker(7, 40, 1_700_000_000_200)),
      Buffer.from('~E9:1:'),
    ]);
    const found: [number, number, number][] = [];
    expect(scanEditMarkers(frame, (m) => found.push([m.sender, m.seq, m.epochMs]))).toBe(2);
    expect(found).toEqual([
      [12, 3, 1_700_000_000_123.456],
      [7, 40, 1_700_000_000_200],
    ]);
  });
});
