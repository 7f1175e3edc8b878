// What both metric judges share: a comparison's verdict and sentence, the absolute thresholds laid over
// it, the information of a two-sample look, and the metric's judgment assembled from them.
import { decidedAtSentence } from './explain.js';
import type { SequentialLook } from './sequential.js';
import type { ThresholdCheck } from './thresholds.js';
import type { MetricJudgment, Statistic, Verdict } from './types.js';

export interface Comparison {
  verdict: Verdict;
  sentence: string;
  statistic?: Statistic;
}

/** What the combination of a comparison and thresholds says for one metric. */
function withThresholds(comparison: Comparison, checks: ThresholdCheck[]): Comparison {
  const breached = checks.filter((check) => check.breached);
  if (breached.length === 0) {
    const within = checks.map((check) => check.reason);
    return within.length === 0
      ? comparison
      : { ...comparison, sentence: `${comparison.sentence}; ${within.join(', ')}` };
  }
  const first = breached[0]!;
  return {
    verdict: 'fail',
    sentence: `${breached.map((check) => check.reason).join(', ')} (threshold); ${comparison.sentence}`,
    statistic: { test: 'threshold', value: first.value, boundary: first.limit },
  };
}

/** n1·n2/(n1 + n2): the information of a two-sample comparison, n/2 for n per side. */
export function harmonic(n1: number, n2: number): number {
  return (n1 * n2) / (n1 + n2);
}

/** The decision kept for later looks, saying it was made earlier and that the budget is spent. */
export function decidedAt(comparison: Comparison, look: SequentialLook): Comparison {
  return { ...comparison, sentence: decidedAtSentence(comparison.sentence, look) };
}

/** A metric's judgment: the comparison with its thresholds, the values of both sides and the rule. */
export function metricJudgment(
  metric: MetricJudgment['metric'],
  comparison: Comparison,
  checks: ThresholdCheck[],
  parts: {
    notes: string;
    samples: MetricJudgment['samples'];
    baseline: number | null;
    canary: number | null;
    threshold: string;
  },
): MetricJudgment {
  const judged = withThresholds(comparison, checks);
  return {
    metric,
    verdict: judged.verdict,
    reason: `${judged.sentence}${parts.notes}`,
    samples: parts.samples,
    baseline: parts.baseline,
    canary: parts.canary,
    ...(judged.statistic ? { statistic: judged.statistic } : {}),
    threshold: parts.threshold,
  };
}
