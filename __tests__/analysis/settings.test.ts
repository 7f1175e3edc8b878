// The analysis settings: refused by name when wrong, 1 − confidence split between the metrics.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ERROR_RATE_SHARE, resolveSettings } from '../../src/analysis/settings.js';
import { createStepAnalysis } from '../../src/analysis/step-analysis.js';
import { SETTINGS } from './step-analysis-harness.js';

describe('analysis settings', () => {
  it('rejects settings it cannot work with, naming the setting and the expected form', () => {
    expect(() => resolveSettings({ ...SETTINGS, confidence: 99 })).toThrow(
      'analysis setting confidence must be between 0.5 and 1 (e.g. 0.99), got 99',
    );
    expect(() => resolveSettings({ ...SETTINGS, maxSamples: 10 })).toThrow(
      /maxSamples must be an integer ≥ minSamples \(20\)/,
    );
    expect(() => resolveSettings({ ...SETTINGS, allowedIncrease: { latency: -1, errorRate: 0 } })).toThrow(
      /allowedIncrease.latency/,
    );
    expect(() => resolveSettings({ ...SETTINGS, errorRateShare: 1 })).toThrow(/errorRateShare/);
    expect(() => createStepAnalysis({ ...SETTINGS, thresholds: { latencyP95Ms: Number.NaN } })).toThrow(
      /thresholds.latencyP95Ms/,
    );
  });

  it('splits 1 − confidence between the metrics, 60% to latency by default, and the shares add up to it', () => {
    expect(DEFAULT_ERROR_RATE_SHARE).toBe(0.4);
    const { alpha } = resolveSettings(SETTINGS);
    expect(alpha.latency).toBeCloseTo(0.006, 12);
    expect(alpha.errorRate).toBeCloseTo(0.004, 12);
    const even = resolveSettings({ ...SETTINGS, confidence: 0.95, errorRateShare: 0.5 }).alpha;
    expect(even.latency + even.errorRate).toBeCloseTo(0.05, 12);
    expect(even.latency).toBeCloseTo(0.025, 12);
  });
});
