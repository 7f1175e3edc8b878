// Absolute thresholds on the canary alone (`latency-p95: 200ms`, `max-error-rate: 0.1%`): a rule the user
// set, checked on the observed values, independent of the baseline.
import type { AnalysisSettings } from './types.js';

export type ThresholdName = 'latencyP50Ms' | 'latencyP95Ms' | 'latencyP99Ms' | 'maxErrorRate';

export interface ThresholdCheck {
  name: ThresholdName;
  /** The observed value: ms, or a rate 0..1. */
  value: number;
  limit: number;
  breached: boolean;
  /** `p95 ≤ 200 ms`. */
  rule: string;
  /** `canary p95 312 ms > 200 ms`. */
  reason: string;
}

/** The p-th quantile (0..1) of ascending values, interpolating between closest ranks (type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = p * (n - 1);
  const low = Math.floor(rank);
  const high = Math.min(n - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** `312 ms`, `1.25 s`, `0.4 ms`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${Number(ms.toFixed(1))} ms`;
  return `${Number(ms.toPrecision(2))} ms`;
}

/** `2.0%`, `0.10%`, `0%`. */
export function formatRate(rate: number): string {
  if (rate === 0) return '0%';
  const percent = rate * 100;
  if (percent >= 10) return `${percent.toFixed(1)}%`;
  if (percent >= 1) return `${percent.toFixed(1)}%`;
  return `${Number(percent.toPrecision(2))}%`;
}

const LATENCY: readonly [ThresholdName, string, number][] = [
  ['latencyP50Ms', 'p50', 0.5],
  ['latencyP95Ms', 'p95', 0.95],
  ['latencyP99Ms', 'p99', 0.99],
];

/** The latency thresholds set, checked on the canary's latencies (ascending). */
export function checkLatencyThresholds(
  sortedCanaryMs: ArrayLike<number>,
  thresholds: AnalysisSettings['thresholds'],
): ThresholdCheck[] {
  const checks: ThresholdCheck[] = [];
  if (sortedCanaryMs.length === 0) return checks;
  for (const [name, label, p] of LATENCY) {
    const limit = thresholds[name];
    if (limit === undefined) continue;
    const value = quantileSorted(sortedCanaryMs, p);
    const breached = value > limit;
    checks.push({
      name,
      value,
      limit,
      breached,
      rule: `${label} ≤ ${formatMs(limit)}`,
      reason: `canary ${label} ${formatMs(value)} ${breached ? '>' : '≤'} ${formatMs(limit)}`,
    });
  }
  return checks;
}

/** The error-rate threshold, when set, checked on the canary's counts. */
export function checkErrorRateThreshold(
  errors: number,
  requests: number,
  thresholds: AnalysisSettings['thresholds'],
): ThresholdCheck | undefined {
  const limit = thresholds.maxErrorRate;
  if (limit === undefined || requests <= 0) return undefined;
  const value = errors / requests;
  const breached = value > limit;
  return {
    name: 'maxErrorRate',
    value,
    limit,
    breached,
    rule: `error rate ≤ ${formatRate(limit)}`,
    reason: `canary error rate ${formatRate(value)} (${errors}/${requests}) ${breached ? '>' : '≤'} ${formatRate(limit)}`,
  };
}
