// Settings, observations and seeded lognormal latencies for the step analysis's tests.
import type { Random } from '../../bench/random.js';
import type { AnalysisSettings, MetricJudgment, StepAnalysis } from '../../src/analysis/types.js';
import type { Observation } from '../../src/metrics/types.js';

export const SETTINGS: AnalysisSettings = {
  confidence: 0.99,
  allowedIncrease: { latency: 0.1, errorRate: 0.1 },
  thresholds: {},
  minSamples: 20,
  maxSamples: 200,
};

export function observation(
  baseline: number[],
  canary: number[],
  errors: [number, number] = [0, 0],
): Observation {
  return {
    baseline: { latencyMs: baseline, requests: baseline.length, errors: errors[0] },
    canary: { latencyMs: canary, requests: canary.length, errors: errors[1] },
    notes: [],
  };
}

export function lognormals(random: Random, count: number, median: number): number[] {
  return Array.from({ length: count }, () => random.lognormal(median, 0.5));
}

export function metric(analysis: StepAnalysis, name: MetricJudgment['metric']): MetricJudgment {
  return analysis.judge().metrics.find((m) => m.metric === name)!;
}
