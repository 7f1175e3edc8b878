// The error-rate judge: a two-proportion z of the canary's error rate against the baseline's allowed
// multiple, its interval, a sequential boundary over the step's looks (spending late: rare errors give early
// looks too few events), and the absolute max-error-rate threshold.
import { type Comparison, decidedAt, harmonic, metricJudgment } from './comparison.js';
import {
  errorRateRule,
  errorRateSentence,
  type LookOutcome,
  missingRequests,
  requestDropNotes,
  sequentialClause,
  specialErrorCounts,
  tooFewRequests,
} from './explain.js';
import { twoProportionTest } from './proportions.js';
import { SequentialTest, type SpendingFunction } from './sequential.js';
import type { ResolvedSettings } from './settings.js';
import type { Sides } from './side-data.js';
import { checkErrorRateThreshold, formatRate } from './thresholds.js';
import type { MetricJudgment, Statistic } from './types.js';

export class ErrorRateJudge {
  private readonly test: SequentialTest;
  /** The comparison as it stood at the deciding look: after it, later looks show it unchanged. */
  private decision: Comparison | undefined;

  constructor(
    private readonly settings: ResolvedSettings,
    spending: SpendingFunction,
  ) {
    this.test = new SequentialTest(settings.alpha.errorRate, spending);
  }

  judge(sides: Sides): MetricJudgment {
    const { settings } = this;
    const { baseline, canary } = sides;
    const margin = 1 + settings.allowedIncrease.errorRate;
    const threshold = errorRateRule(margin, settings.confidence, settings.thresholds.maxErrorRate);
    const samples = { baseline: baseline.requests, canary: canary.requests };
    const notes = requestDropNotes(sides);
    if (baseline.requests === 0 || canary.requests === 0) {
      const check =
        canary.requests >= settings.minSamples
          ? checkErrorRateThreshold(canary.errors, canary.requests, settings.thresholds)
          : undefined;
      return metricJudgment(
        'error-rate',
        { verdict: 'no-data', sentence: missingRequests(baseline.requests, canary.requests) },
        check ? [check] : [],
        {
          notes,
          samples,
          baseline: baseline.requests ? baseline.errors / baseline.requests : null,
          canary: canary.requests ? canary.errors / canary.requests : null,
          threshold,
        },
      );
    }
    const baselineRate = baseline.errors / baseline.requests;
    const canaryRate = canary.errors / canary.requests;
    const values = `canary ${formatRate(canaryRate)} errors (${canary.errors}/${canary.requests}) vs baseline ${formatRate(baselineRate)} (${baseline.errors}/${baseline.requests})`;
    const enough = Math.min(baseline.requests, canary.requests) >= settings.minSamples;
    const comparison = this.decision ?? this.compare(sides, values, enough, margin);
    const check = enough
      ? checkErrorRateThreshold(canary.errors, canary.requests, settings.thresholds)
      : undefined;
    return metricJudgment('error-rate', comparison, check ? [check] : [], {
      notes,
      samples,
      baseline: baselineRate,
      canary: canaryRate,
      threshold,
    });
  }

  private compare(sides: Sides, values: string, enough: boolean, margin: number): Comparison {
    const { settings } = this;
    const { baseline, canary } = sides;
    if (!enough) {
      const ended = Math.max(baseline.requests, canary.requests) >= settings.maxRequests;
      return {
        verdict: ended ? 'inconclusive' : 'continue',
        sentence: tooFewRequests(values, settings.minSamples, ended ? settings.maxRequests : undefined),
      };
    }
    const test = twoProportionTest(
      { events: baseline.errors, trials: baseline.requests },
      { events: canary.errors, trials: canary.requests },
      { allowedIncrease: settings.allowedIncrease.errorRate, confidence: settings.confidence },
    );
    const information = harmonic(baseline.requests, canary.requests) / (settings.maxRequests / 2);
    const look = this.test.canLook(information) ? this.test.look(information, test.z) : this.test.lastLook;
    if (!look) throw new Error('error rate: no look was taken');
    const statistic: Statistic = {
      test: 'two-proportion',
      value: test.z,
      pValue: test.pValue,
      ...(Number.isFinite(look.boundary) ? { boundary: look.boundary } : {}),
      interval: test.interval,
      estimate: test.difference,
    };
    const perSide = `${Math.min(baseline.requests, canary.requests)} of ${settings.maxRequests} requests per side`;
    const outcome: LookOutcome = look.crossed
      ? 'crossed'
      : look.final
        ? 'final'
        : test.interval[1] <= (margin - 1) * test.baselineRate && test.interval[1] < 1
          ? 'within'
          : 'undecided';
    const comparison: Comparison = {
      verdict: outcome === 'crossed' ? 'fail' : outcome === 'undecided' ? 'continue' : 'pass',
      sentence: errorRateSentence(outcome, {
        values,
        special: specialErrorCounts(baseline, canary, margin),
        difference: test.difference,
        interval: test.interval,
        confidence: settings.confidence,
        margin,
        sequential: sequentialClause(look, perSide),
      }),
      statistic,
    };
    if (this.test.decided) this.decision = decidedAt(comparison, look);
    return comparison;
  }
}
