// The error-rate judge (two-proportion z, sequential boundary, threshold), through the step analysis.
import { describe, expect, it } from 'vitest';
import { createStepAnalysis } from '../../src/analysis/step-analysis.js';
import { metric, observation, SETTINGS } from './step-analysis-harness.js';

describe('error-rate judge', () => {
  it('fails a canary that errors far more often, explaining a zero baseline', () => {
    const analysis = createStepAnalysis({ ...SETTINGS, maxRequests: 400 });
    const values = Array.from({ length: 100 }, (_, i) => 100 + (i % 10));
    for (let look = 0; look < 4; look++) analysis.add(observation(values, values, [0, 15]));
    const errors = metric(analysis, 'error-rate');
    expect(errors.verdict).toBe('fail');
    expect(errors.reason).toMatch(
      /^canary 15\.0% errors \(60\/400\) vs baseline 0% \(0\/400\); the baseline had no errors, so 1\.10× its rate allows none and each canary error counts; difference \+15\.0 pts \(99% CI \+\d+\.\d to \+\d+\.\d\) beyond allowed 1\.10× baseline; z=\d+\.\d\d ≥ (final )?boundary/,
    );
    expect(errors.statistic).toMatchObject({ test: 'two-proportion', estimate: 0.15 });
    expect(analysis.judge().verdict).toBe('fail');
  });

  it('explains no errors on either side', () => {
    const analysis = createStepAnalysis(SETTINGS);
    const values = Array.from({ length: 30 }, (_, i) => 100 + i);
    analysis.add(observation(values, values));
    expect(metric(analysis, 'error-rate').reason).toMatch(/no errors on either side: nothing to compare; /);
  });

  it('drops invalid request counts and says so', () => {
    const analysis = createStepAnalysis(SETTINGS);
    analysis.add({
      baseline: { latencyMs: [1], requests: 5, errors: 9 },
      canary: { latencyMs: [1], requests: Number.NaN, errors: 0 },
      notes: [],
    });
    const errors = metric(analysis, 'error-rate');
    expect(errors.verdict).toBe('no-data');
    expect(errors.reason).toMatch(
      /dropped 1 window of invalid request counts from the baseline; dropped 1 window of invalid request counts from the canary/,
    );
  });
});
