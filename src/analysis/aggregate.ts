// The aggregate rule: how a latency that comes as one number per look (a quantile Prometheus computed, an
// http-json p95) is judged. Such a number sums up an unknown count of requests, so it is not a sample: it
// is never counted against min-samples and never rank-tested. The rule compares the looks instead:
//   fail   the canary's value breaks a latency threshold (every p50/p95/p99 threshold given is held to the
//          query's number) at each of the last AGGREGATE_BREACH_LOOKS looks, or is above the allowance over
//          the baseline's (canary/baseline > 1 + max-latency-increase) at each of the last
//          AGGREGATE_RATIO_LOOKS looks that have both sides: a sustained breach, not one noisy look;
//   pass   AGGREGATE_RATIO_LOOKS looks have both sides and neither holds;
//   continue  before that.
// This has no false-abort guarantee (nothing says how noisy the number is): a latency histogram gives each
// request as a sample and a tested comparison.
import { formatMs } from './thresholds.js';
import type { AnalysisSettings, MetricJudgment, Verdict } from './types.js';

/** Looks in a row over a threshold that fail an aggregate. */
export const AGGREGATE_BREACH_LOOKS = 2;
/** Looks in a row above the allowance that fail an aggregate; also the looks it needs to pass. */
export const AGGREGATE_RATIO_LOOKS = 3;

/** One look's aggregate value per side (ms); undefined when the side had none. */
export interface AggregateLook {
  baseline?: number;
  canary?: number;
}

const LABELS = [
  ['latencyP50Ms', 'p50'],
  ['latencyP95Ms', 'p95'],
  ['latencyP99Ms', 'p99'],
] as const;

/** The value a look's points stand for: their median (one point in instant mode). */
export function lookValue(values: readonly number[]): number | undefined {
  const finite = values.filter((value) => Number.isFinite(value) && value >= 0).sort((a, b) => a - b);
  if (finite.length === 0) return undefined;
  const middle = finite.length >> 1;
  return finite.length % 2 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

export function judgeAggregateLatency(
  looks: readonly AggregateLook[],
  settings: Pick<AnalysisSettings, 'allowedIncrease' | 'thresholds'>,
): MetricJudgment {
  const allowedRatio = 1 + settings.allowedIncrease.latency;
  const limits = LABELS.flatMap(([name, label]) => {
    const limit = settings.thresholds[name];
    return limit === undefined ? [] : [{ label, limit }];
  });
  const threshold = [
    `aggregate: canary ≤ ${allowedRatio.toFixed(2)}× baseline at ${AGGREGATE_RATIO_LOOKS} looks in a row`,
    ...limits.map(({ limit }) => `≤ ${formatMs(limit)}`),
  ].join('; ');
  const canaryLooks = looks.filter((look) => look.canary !== undefined);
  const paired = looks.filter((look) => look.canary !== undefined && look.baseline !== undefined);
  const last = (list: readonly AggregateLook[]) => list.at(-1);
  const result = (verdict: Verdict, sentence: string): MetricJudgment => ({
    metric: 'latency',
    verdict,
    reason: `an aggregate (one number per look, not requests), judged by the aggregate rule: ${sentence}`,
    // Looks, not requests: the rollout does not hold them against min-samples.
    samples: { baseline: looks.filter((l) => l.baseline !== undefined).length, canary: canaryLooks.length },
    baseline: last(looks.filter((l) => l.baseline !== undefined))?.baseline ?? null,
    canary: last(canaryLooks)?.canary ?? null,
    aggregate: true,
    threshold,
  });
  if (canaryLooks.length === 0 && paired.length === 0)
    return result('no-data', 'no value from the canary yet');
  const recentCanary = canaryLooks.slice(-AGGREGATE_BREACH_LOOKS);
  for (const { label, limit } of limits) {
    if (recentCanary.length === AGGREGATE_BREACH_LOOKS && recentCanary.every((l) => l.canary! > limit)) {
      const values = recentCanary.map((l) => formatMs(l.canary!)).join(', ');
      return {
        ...result(
          'fail',
          `the canary's value is above the ${label} threshold ${formatMs(limit)} at each of the last ${AGGREGATE_BREACH_LOOKS} looks (${values})`,
        ),
        statistic: { test: 'aggregate-threshold', value: recentCanary.at(-1)!.canary!, boundary: limit },
      };
    }
  }
  const ratios = paired.map((l) => l.canary! / Math.max(l.baseline!, Number.MIN_VALUE));
  const recent = ratios.slice(-AGGREGATE_RATIO_LOOKS);
  const shown = recent.map((r) => `${r.toFixed(2)}×`).join(', ');
  const statistic = { test: 'aggregate-ratio', value: recent.at(-1) ?? 0, boundary: allowedRatio };
  if (recent.length === AGGREGATE_RATIO_LOOKS && recent.every((r) => r > allowedRatio))
    return {
      ...result(
        'fail',
        `canary/baseline ${shown} at the last ${AGGREGATE_RATIO_LOOKS} looks, each above the allowed ${allowedRatio.toFixed(2)}×: the canary is slower`,
      ),
      statistic,
    };
  if (paired.length >= AGGREGATE_RATIO_LOOKS)
    return {
      ...result(
        'pass',
        `canary/baseline ${shown} at the last ${AGGREGATE_RATIO_LOOKS} looks, not all above the allowed ${allowedRatio.toFixed(2)}×, and no threshold broken at ${AGGREGATE_BREACH_LOOKS} looks in a row (no false-abort guarantee: a latency histogram gives a tested comparison)`,
      ),
      statistic,
    };
  return {
    ...result(
      'continue',
      `${paired.length} of the ${AGGREGATE_RATIO_LOOKS} looks with both sides it needs${shown ? ` (canary/baseline ${shown})` : ''}`,
    ),
    ...(recent.length ? { statistic } : {}),
  };
}
