// The analysis settings checked and completed: confidence split between the metrics (Bonferroni), the
// α-spending of each sequential comparison, max-requests. Every bad setting is refused by name.
import { powerSpending, type SpendingFunction, withLinearStart } from './sequential.js';
import type { AnalysisSettings } from './types.js';

/**
 * The α-spending of each comparison: α·t^1.5 for latency, α·t^3.5 for error rates, which have too few events
 * early for early α to be of use (sequential.ts has the measurements behind both). Latency's starts
 * linearly, at least 0.35·α·t, so a gross regression is stopped at the first look more often while 30% and
 * 10% slower and the false aborts stay as they were (docs/BENCHMARKS.md, canary analysis, has the figures).
 */
export const DEFAULT_SPENDING: Readonly<{ latency: SpendingFunction; errorRate: SpendingFunction }> = {
  latency: withLinearStart(powerSpending(1.5), 0.35),
  errorRate: powerSpending(3.5),
};

/**
 * The error-rate comparison's share of 1 − confidence; latency gets the rest (Bonferroni: the two shares
 * add up to the whole budget whatever the metrics do). The split is fixed in advance because it has to
 * hold at every baseline error rate: at 0.1% the discrete error test spends almost none of its share, but
 * at 5% it spends all of it, and the rate is not known before the data. Handing the unspent
 * part to latency as the data show it would need latency to be independent of the error counts, which a
 * service whose failures are also its slow requests breaks (and latency decides by max-samples, before the
 * error test has seen its max-requests). 0.4 is where each goal sits at about the same fraction of what a
 * one-look test reaches: docs/BENCHMARKS.md's split table (bench/canary-analysis.bench.ts) has the figures.
 */
export const DEFAULT_ERROR_RATE_SHARE = 0.4;

/** The settings checked and completed with their defaults. */
export interface ResolvedSettings extends AnalysisSettings {
  maxRequests: number;
  errorRateShare: number;
  /** α of each comparison: shares of 1 − confidence. */
  alpha: { latency: number; errorRate: number };
}

export function resolveSettings(settings: AnalysisSettings): ResolvedSettings {
  const problem = (name: string, expected: string, value: unknown) =>
    new RangeError(`analysis setting ${name} must be ${expected}, got ${String(value)}`);
  const { confidence, minSamples, maxSamples } = settings;
  if (!(confidence > 0.5 && confidence < 1))
    throw problem('confidence', 'between 0.5 and 1 (e.g. 0.99)', confidence);
  for (const [name, value] of [
    ['allowedIncrease.latency', settings.allowedIncrease.latency],
    ['allowedIncrease.errorRate', settings.allowedIncrease.errorRate],
  ] as const) {
    if (!(Number.isFinite(value) && value >= 0)) throw problem(name, 'a number ≥ 0 (0.1 = 10%)', value);
  }
  if (!(Number.isInteger(minSamples) && minSamples >= 2))
    throw problem('minSamples', 'an integer ≥ 2', minSamples);
  if (!(Number.isInteger(maxSamples) && maxSamples >= minSamples))
    throw problem('maxSamples', `an integer ≥ minSamples (${minSamples})`, maxSamples);
  const maxRequests = settings.maxRequests ?? maxSamples;
  if (!(Number.isInteger(maxRequests) && maxRequests >= minSamples))
    throw problem('maxRequests', `an integer ≥ minSamples (${minSamples})`, maxRequests);
  const errorRateShare = settings.errorRateShare ?? DEFAULT_ERROR_RATE_SHARE;
  if (!(errorRateShare > 0 && errorRateShare < 1))
    throw problem('errorRateShare', 'in (0, 1)', errorRateShare);
  for (const [name, value] of Object.entries(settings.thresholds)) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      throw problem(`thresholds.${name}`, 'a number ≥ 0', value);
  }
  const alpha = 1 - confidence;
  return {
    ...settings,
    maxRequests,
    errorRateShare,
    alpha: { latency: alpha * (1 - errorRateShare), errorRate: alpha * errorRateShare },
  };
}
