// The canary analysis: what the rollout engine and the canary-promote action import.

export type { MannWhitneyResult, ShiftEstimate } from './mann-whitney.js';
export {
  hodgesLehmann,
  hodgesLehmannSorted,
  kthDifference,
  mannWhitney,
  mannWhitneySorted,
} from './mann-whitney.js';
export { DEFAULT_POLICIES, decide, POLICIES, policyFor } from './policy.js';
export type { Counts, TwoProportionResult } from './proportions.js';
export { differenceInterval, twoProportionTest, wilsonInterval } from './proportions.js';
export type { BoundaryLook, SequentialLook, SpendingFunction } from './sequential.js';
export {
  GroupSequentialBoundary,
  obrienFlemingSpending,
  powerSpending,
  SequentialTest,
  withLinearStart,
} from './sequential.js';
export type { ResolvedSettings } from './settings.js';
export { DEFAULT_ERROR_RATE_SHARE, DEFAULT_SPENDING, resolveSettings } from './settings.js';
export { LATENCY_FLOOR_MS } from './side-data.js';
export type { StepAnalysisOptions } from './step-analysis.js';
export { combine, createStepAnalysis } from './step-analysis.js';
export type { ThresholdCheck, ThresholdName } from './thresholds.js';
export {
  checkErrorRateThreshold,
  checkLatencyThresholds,
  formatMs,
  formatRate,
  quantileSorted,
} from './thresholds.js';
export type * from './types.js';
