import { describe, expect, it } from 'vitest';
import type { MetricJudgment } from '../../src/analysis/types.js';
import {
  formatMetricValue,
  formatStatistic,
  type RolloutReport,
  reportLines,
  type StepReport,
} from '../../src/canary/report.js';

const latency: MetricJudgment = {
  metric: 'latency',
  verdict: 'fail',
  reason: 'canary p95 182 ms vs 120 ms',
  samples: { baseline: 240, canary: 236 },
  baseline: 120.44,
  canary: 182.1,
  statistic: {
    test: 'mann-whitney',
    value: 4.213,
    boundary: 2.807,
    pValue: 0.000025,
    estimate: 1.5123,
    interval: [1.38, 1.66],
  },
  threshold: '≤ 1.10× baseline at 99%',
};

const errors: MetricJudgment = {
  metric: 'error-rate',
  verdict: 'pass',
  reason: 'no more errors than the baseline',
  samples: { baseline: 240, canary: 236 },
  baseline: 0.004,
  canary: 0.0042,
  statistic: {
    test: 'two-proportion',
    value: 0.04,
    pValue: 0.97,
    estimate: 0.0002,
    interval: [-0.011, 0.012],
  },
  threshold: '≤ +0.5 pt at 99%',
};

function step(extra: Partial<StepReport>): StepReport {
  return {
    index: 0,
    weight: 5,
    holdMs: 60_000,
    startedAt: '2026-03-01T10:00:00.000Z',
    durationMs: 60_000,
    looks: 3,
    errors: 0,
    verdict: 'pass',
    outcome: 'passed',
    reason: 'no evidence the canary is worse',
    metrics: [],
    policies: [],
    extensions: 0,
    notes: [],
    run: '1.1',
    ...extra,
  };
}

function report(extra: Partial<RolloutReport> = {}): RolloutReport {
  return {
    environment: 'production',
    baselineVersion: 'v1',
    canaryVersion: 'v2',
    dryRun: false,
    status: 'aborted',
    verdict: 'fail',
    reason: 'latency is 1.51× the baseline',
    finalWeight: 0,
    trafficRestored: true,
    steps: [
      step({ metrics: [{ ...latency, verdict: 'pass' }, errors] }),
      step({
        index: 1,
        weight: 25,
        looks: 2,
        errors: 1,
        extensions: 1,
        verdict: 'fail',
        outcome: 'failed',
        reason: 'latency is 1.51× the baseline',
        metrics: [latency, errors],
        policies: [{ input: 'on-error', policy: 'extend', effect: 'extend', reason: '...' }],
        traffic: { asked: 0.25, observed: 0.6, far: true },
      }),
    ],
    startedAt: '2026-03-01T10:00:00.000Z',
    durationMs: 100_000,
    settings: {
      steps: [
        { weight: 5, holdMs: 60_000 },
        { weight: 25, holdMs: 60_000 },
      ],
      intervalMs: 20_000,
      maxDurationMs: 3_600_000,
      policies: { onNoData: 'hold', onInconclusive: 'extend', onError: 'extend' },
    },
    ...extra,
  };
}

describe('decision report', () => {
  it('shows latency in ms and error rates in percent, to three digits', () => {
    expect(formatMetricValue('latency', 120.44)).toBe('120 ms');
    expect(formatMetricValue('latency', 0.12345)).toBe('0.123 ms');
    expect(formatMetricValue('error-rate', 0.0042)).toBe('0.42%');
    expect(formatMetricValue('error-rate', 0)).toBe('0%');
    expect(formatMetricValue('latency', null)).toBe('no data');
    expect(formatMetricValue('latency', Number.NaN)).toBe('no data');
  });

  it('states the statistic with its boundary, p-value and effect with its interval', () => {
    expect(formatStatistic(latency)).toBe(
      'mann-whitney z = 4.21 (boundary 2.81), p = 0.000025, shift 1.51× [1.38×, 1.66×]',
    );
    expect(formatStatistic(errors)).toBe(
      'two-proportion z = 0.04, p = 0.97, difference +0.02 pt [-1.1 pt, +1.2 pt]',
    );
    expect(formatStatistic({ ...latency, statistic: { test: 'threshold' } })).toBe('threshold');
    expect(formatStatistic({ ...latency, statistic: { test: 'mann-whitney', value: Number.NaN } })).toBe(
      'mann-whitney',
    );
    expect(formatStatistic({ ...latency, statistic: undefined })).toBe('no statistic');
  });

  it('logs the outcome, each step with its metrics, policies and traffic, and where the weight stands', () => {
    expect(reportLines(report())).toEqual([
      'canary v2 against v1 in production: aborted (fail): latency is 1.51× the baseline',
      '  step 1 (5%) passed after 3 looks: no evidence the canary is worse',
      '    latency: baseline 120 ms, canary 182 ms (240 / 236 samples); mann-whitney z = 4.21 (boundary 2.81), p = 0.000025, shift 1.51× [1.38×, 1.66×]; limit ≤ 1.10× baseline at 99% → pass',
      '    error-rate: baseline 0.4%, canary 0.42% (240 / 236 samples); two-proportion z = 0.04, p = 0.97, difference +0.02 pt [-1.1 pt, +1.2 pt]; limit ≤ +0.5 pt at 99% → pass',
      '  step 2 (25%) failed after 2 looks, 1 failed, extended 1×: latency is 1.51× the baseline',
      '    latency: baseline 120 ms, canary 182 ms (240 / 236 samples); mann-whitney z = 4.21 (boundary 2.81), p = 0.000025, shift 1.51× [1.38×, 1.66×]; limit ≤ 1.10× baseline at 99% → fail',
      '    error-rate: baseline 0.4%, canary 0.42% (240 / 236 samples); two-proportion z = 0.04, p = 0.97, difference +0.02 pt [-1.1 pt, +1.2 pt]; limit ≤ +0.5 pt at 99% → pass',
      '    on-error: extend → extend',
      '    traffic: the canary served 60% where 25% was asked for',
      "  the canary's weight is 0%",
    ]);
  });

  it('says when traffic could not be returned, when it resumed, and nothing about weights in a dry run', () => {
    const stuck = reportLines(report({ trafficRestored: false, finalWeight: 25, steps: [] }));
    expect(stuck.at(-1)).toBe(
      "  the canary's weight could NOT be set back to 0: it may still serve 25% of traffic",
    );
    const resumed = reportLines(
      report({
        steps: [],
        resumed: { previousStatus: 'cancelled', fromStep: 0, previousRun: '9.1', note: 'starting over' },
      }),
    );
    expect(resumed[1]).toBe('  resumed: starting over');
    const dry = reportLines(
      report({ dryRun: true, status: 'promoted', verdict: 'pass', reason: 'ok', steps: [] }),
    );
    expect(dry).toEqual(['canary v2 against v1 in production (dry run): promoted (pass): ok']);
  });
});
