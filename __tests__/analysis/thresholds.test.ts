import { describe, expect, it } from 'vitest';
import {
  checkErrorRateThreshold,
  checkLatencyThresholds,
  formatMs,
  formatRate,
  quantileSorted,
} from '../../src/analysis/thresholds.js';

describe('absolute thresholds', () => {
  it('quantiles interpolate between closest ranks (R type 7: quantile(1:10, 0.95) = 9.55)', () => {
    const values = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    expect(quantileSorted(values, 0.95)).toBeCloseTo(9.55, 12);
    expect(quantileSorted(values, 0.5)).toBe(5.5);
    expect(quantileSorted([7], 0.99)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it('checks each latency threshold that is set, with the value and the limit in the reason', () => {
    const canary = Float64Array.from({ length: 100 }, (_, i) => i + 1); // p50 50.5, p95 95.05, p99 99.01
    const checks = checkLatencyThresholds(canary, { latencyP50Ms: 60, latencyP95Ms: 90 });
    expect(checks.map((c) => [c.name, c.breached])).toEqual([
      ['latencyP50Ms', false],
      ['latencyP95Ms', true],
    ]);
    expect(checks[1]!.reason).toBe('canary p95 95 ms > 90 ms');
    expect(checks[1]!.rule).toBe('p95 ≤ 90 ms');
    expect(checkLatencyThresholds(new Float64Array(0), { latencyP95Ms: 1 })).toEqual([]);
  });

  it('checks the error rate on the canary counts', () => {
    const check = checkErrorRateThreshold(3, 200, { maxErrorRate: 0.01 });
    expect(check).toMatchObject({ breached: true, value: 0.015 });
    expect(check!.reason).toBe('canary error rate 1.5% (3/200) > 1.0%');
    expect(checkErrorRateThreshold(1, 200, { maxErrorRate: 0.01 })!.breached).toBe(false);
    expect(checkErrorRateThreshold(1, 200, {})).toBeUndefined();
    expect(checkErrorRateThreshold(0, 0, { maxErrorRate: 0.01 })).toBeUndefined();
  });

  it('formats milliseconds and rates for sentences', () => {
    expect([formatMs(312.4), formatMs(1250), formatMs(12_345), formatMs(4.25), formatMs(0.4)]).toEqual([
      '312 ms',
      '1.25 s',
      '12.3 s',
      '4.3 ms',
      '0.4 ms',
    ]);
    expect([formatRate(0), formatRate(0.001), formatRate(0.02), formatRate(0.125)]).toEqual([
      '0%',
      '0.1%',
      '2.0%',
      '12.5%',
    ]);
  });
});
