import { describe, expect, it } from 'vitest';
import {
  AGGREGATE_BREACH_LOOKS,
  AGGREGATE_RATIO_LOOKS,
  judgeAggregateLatency,
  lookValue,
} from '../../src/analysis/aggregate.js';
import { createStepAnalysis } from '../../src/analysis/step-analysis.js';
import type { AnalysisSettings } from '../../src/analysis/types.js';

const SETTINGS: AnalysisSettings = {
  confidence: 0.99,
  allowedIncrease: { latency: 0.1, errorRate: 0.5 },
  thresholds: {},
  minSamples: 20,
  maxSamples: 500,
};

describe('the aggregate rule', () => {
  it('a look stands for the median of its points', () => {
    expect(lookValue([])).toBeUndefined();
    expect(lookValue([30])).toBe(30);
    expect(lookValue([50, 10, 30])).toBe(30);
    expect(lookValue([10, 20, 30, 1000])).toBe(25);
    expect(lookValue([Number.NaN, -1])).toBeUndefined();
  });

  it('continues until it has its looks, then passes when the canary is not above the allowance throughout', () => {
    expect(AGGREGATE_RATIO_LOOKS).toBe(3);
    const two = judgeAggregateLatency(
      [
        { baseline: 100, canary: 105 },
        { baseline: 100, canary: 130 },
      ],
      SETTINGS,
    );
    expect(two).toMatchObject({ verdict: 'continue', aggregate: true, samples: { baseline: 2, canary: 2 } });
    expect(two.reason).toBe(
      'an aggregate (one number per look, not requests), judged by the aggregate rule: 2 of the 3 looks with both sides it needs (canary/baseline 1.05×, 1.30×)',
    );
    // One look in three above 1.10×: not sustained.
    const three = judgeAggregateLatency(
      [
        { baseline: 100, canary: 105 },
        { baseline: 100, canary: 130 },
        { baseline: 100, canary: 95 },
      ],
      SETTINGS,
    );
    expect(three.verdict).toBe('pass');
    expect(three.reason).toContain('canary/baseline 1.05×, 1.30×, 0.95× at the last 3 looks, not all above');
    expect(three.statistic).toEqual({ test: 'aggregate-ratio', value: 0.95, boundary: 1.1 });
  });

  it('fails when the canary is above the allowance at each of the last looks, or over a threshold at two in a row', () => {
    const slow = judgeAggregateLatency(
      [
        { baseline: 100, canary: 90 },
        { baseline: 100, canary: 300 },
        { baseline: 100, canary: 290 },
        { baseline: 110, canary: 320 },
      ],
      SETTINGS,
    );
    expect(slow.verdict).toBe('fail');
    expect(slow.reason).toContain(
      'canary/baseline 3.00×, 2.90×, 2.91× at the last 3 looks, each above the allowed 1.10×',
    );
    expect(AGGREGATE_BREACH_LOOKS).toBe(2);
    const withLimit = { ...SETTINGS, thresholds: { latencyP95Ms: 250 } };
    const once = judgeAggregateLatency([{ baseline: 240, canary: 240 }, { canary: 260 }], withLimit);
    expect(once.verdict).toBe('continue');
    const twice = judgeAggregateLatency(
      [{ baseline: 240, canary: 240 }, { canary: 260 }, { canary: 270 }],
      withLimit,
    );
    expect(twice).toMatchObject({
      verdict: 'fail',
      statistic: { test: 'aggregate-threshold', value: 270, boundary: 250 },
    });
    expect(twice.reason).toContain(
      'above the p95 threshold 250 ms at each of the last 2 looks (260 ms, 270 ms)',
    );
    expect(judgeAggregateLatency([{ baseline: 100 }], SETTINGS).verdict).toBe('no-data');
  });

  it('is how the step analysis judges aggregates: never as samples held to min-samples', () => {
    const analysis = createStepAnalysis(SETTINGS);
    for (let look = 0; look < 3; look++) {
      analysis.add({
        baseline: { latencyMs: [100], latencyAggregate: true, requests: 400, errors: 0 },
        canary: { latencyMs: [102], latencyAggregate: true, requests: 40, errors: 0 },
        notes: [],
      });
    }
    const latency = analysis.judge().metrics.find((metric) => metric.metric === 'latency')!;
    expect(latency).toMatchObject({ verdict: 'pass', aggregate: true, samples: { baseline: 3, canary: 3 } });
    expect(latency.reason).toMatch(/^an aggregate \(one number per look, not requests\)/);
  });
});
