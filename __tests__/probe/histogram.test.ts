import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/probe/histogram.js';

/** The exact percentile of sorted values, by the same rank rule (the ⌈p·n/100⌉-th smallest). */
function exact(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** A seeded PRNG so the data sets are the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

describe('LatencyHistogram', () => {
  it('is empty at first', () => {
    const h = new LatencyHistogram();
    expect(h.count).toBe(0);
    expect(h.percentileMicros(50)).toBe(0);
    expect(h.maxMicros).toBe(0);
    expect(h.summary()).toBeNull();
  });

  it('counts small values exactly', () => {
    const h = new LatencyHistogram();
    for (const v of [5, 1, 200, 3, 3]) h.recordMicros(v);
    expect(h.percentileMicros(50)).toBe(3);
    expect(h.percentileMicros(0)).toBe(1);
    expect(h.percentileMicros(100)).toBe(200);
    expect(h.meanMicros).toBeCloseTo(42.4, 6);
  });

  it('stays within 1% of the exact value from 1 µs to hours', () => {
    for (let v = 1; v < 1e10; v = Math.ceil(v * 1.37)) {
      const h = new LatencyHistogram();
      h.recordMicros(v);
      h.recordMicros(v * 3);
      // p50 is the lower value; the exact min/max clamp is not what is being tested, so add a third.
      h.recordMicros(v * 9);
      const p50 = h.percentileMicros(50);
      expect(Math.abs(p50 - v * 3) / (v * 3)).toBeLessThanOrEqual(0.01);
    }
  });

  it('gives percentiles within 1% on skewed data, with exact max, min and mean', () => {
    const random = prng(7);
    const values: number[] = [];
    const h = new LatencyHistogram();
    for (let i = 0; i < 50_000; i++) {
      // Log-normal-ish latencies: mostly 5–50 ms, a long tail to seconds.
      const v = Math.round(5000 * Math.exp(random() * 2.5 + (random() < 0.02 ? random() * 5 : 0)));
      values.push(v);
      h.recordMicros(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [1, 25, 50, 90, 95, 99, 99.9]) {
      const want = exact(values, p);
      expect(Math.abs(h.percentileMicros(p) - want) / want, `p${p}`).toBeLessThanOrEqual(0.01);
    }
    expect(h.maxMicros).toBe(values.at(-1));
    expect(h.minMicros).toBe(values[0]);
    expect(h.meanMicros).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
  });

  it('summarises in milliseconds', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) h.recordMs(ms);
    const summary = h.summary()!;
    expect(summary.count).toBe(100);
    expect(summary.max).toBe(100);
    expect(summary.mean).toBeCloseTo(50.5, 3);
    expect(summary.p50).toBeGreaterThanOrEqual(49.5);
    expect(summary.p50).toBeLessThanOrEqual(50.5);
    expect(Math.abs(summary.p95 - 95) / 95).toBeLessThanOrEqual(0.01);
    expect(Math.abs(summary.p99 - 99) / 99).toBeLessThanOrEqual(0.01);
  });

  it('merges into the same histogram as recording everything in one', () => {
    const random = prng(3);
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 0; i < 10_000; i++) {
      const v = Math.round(random() * 1e6);
      (i % 3 === 0 ? a : b).recordMicros(v);
      all.recordMicros(v);
    }
    a.merge(b);
    expect(a.count).toBe(10_000);
    for (const p of [50, 95, 99, 100]) expect(a.percentileMicros(p)).toBe(all.percentileMicros(p));
    expect(a.meanMicros).toBeCloseTo(all.meanMicros, 6);
    expect(a.minMicros).toBe(all.minMicros);
    expect(new LatencyHistogram().merge(new LatencyHistogram()).count).toBe(0);
  });

  it('clamps values beyond its range into the last bucket, keeping the exact max', () => {
    const h = new LatencyHistogram();
    h.recordMicros(1e15);
    h.recordMicros(-5);
    expect(h.count).toBe(2);
    expect(h.maxMicros).toBe(1e15);
    expect(h.minMicros).toBe(0);
    expect(h.percentileMicros(100)).toBe(1e15);
  });

  it('keeps flat memory at 100,000 samples', () => {
    const h = new LatencyHistogram();
    const footprint = h.footprintBytes;
    expect(footprint).toBeLessThan(64 * 1024);
    const random = prng(11);
    // A full collection before each reading, so only what is kept counts (not garbage numbers).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100_000; i++) h.recordMicros(random() * 2_000_000);
    gc();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(h.count).toBe(100_000);
    expect(h.footprintBytes).toBe(footprint);
    // Keeping the samples would take 800 kB at least; the buckets keep nothing more.
    expect(heapGrowth).toBeLessThan(200 * 1024);
    expect(Math.abs(h.percentileMicros(50) - 1_000_000) / 1_000_000).toBeLessThan(0.02);
  });

  it('resets', () => {
    const h = new LatencyHistogram();
    h.recordMicros(10);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.summary()).toBeNull();
  });
});
