// Canary judgment: the statistics, the thresholds and the outcome policies. Pure of @actions/* and of
// I/O: it is fed observations (src/metrics/types.ts) and returns verdicts with their reasons.
import type { Observation } from '../metrics/types.js';

export type MetricName = 'latency' | 'error-rate';

/**
 * pass: no evidence the canary is worse (enough samples, or its interval is inside the allowance).
 * fail: the canary is worse, beyond the allowance, at the confidence level (or breaks a threshold).
 * continue: not decided yet; keep collecting (up to max-samples).
 * inconclusive: max-samples or the hold ended undecided with fewer than min-samples per side.
 * no-data: a side has no observations at all.
 */
export type Verdict = 'pass' | 'fail' | 'continue' | 'inconclusive' | 'no-data';

export interface AnalysisSettings {
  /** e.g. 0.99: the false-abort rate is kept at 1 - confidence however often the test looks. */
  confidence: number;
  /** Allowed relative increase of the canary over the baseline: 0.1 = latency may be 10% higher. */
  allowedIncrease: { latency: number; errorRate: number };
  /** Absolute thresholds on the canary alone. */
  thresholds: { latencyP50Ms?: number; latencyP95Ms?: number; latencyP99Ms?: number; maxErrorRate?: number };
  /** Below this many samples per side a metric cannot pass or fail by comparison. */
  minSamples: number;
  /** Where the sequential test has spent all its error budget: the look at this size is final. */
  maxSamples: number;
  /**
   * The error-rate comparison's max-samples, counted in requests per side (default maxSamples): rare errors
   * need more requests than latencies need samples.
   */
  maxRequests?: number;
  /**
   * The share of the false-abort budget 1 - confidence given to the error-rate comparison (default 0.4,
   * DEFAULT_ERROR_RATE_SHARE says why); latency gets the rest, so a judgment falsely aborts at most
   * 1 - confidence however the metrics fall.
   */
  errorRateShare?: number;
}

export interface Statistic {
  /** `mann-whitney`, `two-proportion`, `threshold`… */
  test: string;
  /** The test statistic (z) where there is one. */
  value?: number;
  pValue?: number;
  /** The boundary the statistic was compared with at this look (sequential). */
  boundary?: number;
  /** A confidence interval of the effect (Hodges-Lehmann shift as a ratio, or difference of proportions). */
  interval?: [number, number];
  /** The point estimate of the effect (Hodges-Lehmann ratio canary/baseline, or difference of rates). */
  estimate?: number;
}

export interface MetricJudgment {
  metric: MetricName;
  verdict: Verdict;
  /** One sentence with the values, the threshold and the statistic. */
  reason: string;
  samples: { baseline: number; canary: number };
  /** p95 latency in ms, or the error rate 0..1, per side; null when there is no data. */
  baseline: number | null;
  canary: number | null;
  statistic?: Statistic;
  /** The limit it was held to, in words (`≤ 1.10× baseline at 99%`, `p95 ≤ 200 ms`). */
  threshold: string;
  /**
   * The values were aggregates (one number per look), judged by the aggregate rule (aggregate.ts): its
   * samples are looks, which min-samples does not apply to.
   */
  aggregate?: true;
}

export interface Judgment {
  verdict: Verdict;
  reason: string;
  metrics: MetricJudgment[];
}

/**
 * The sequential analysis of one step: add observations as they arrive, judge at each look. The
 * false-abort rate stays at 1 - confidence across all looks up to maxSamples.
 */
export interface StepAnalysis {
  add(observation: Observation): void;
  judge(): Judgment;
}

export type Policy = 'hold' | 'extend' | 'abort' | 'promote';

export interface OutcomePolicies {
  onNoData: Policy;
  onInconclusive: Policy;
  onError: Policy;
}
