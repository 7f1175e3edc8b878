// The latency judge: Mann-Whitney on log latencies against the allowed ratio, the Hodges-Lehmann ratio and
// its interval, a sequential boundary over the step's looks, and the absolute p50/p95/p99 thresholds. A
// source that reports aggregates (a percentile per look) is judged by aggregate.ts instead.
// Mann-Whitney rather than a z of the mean log latency: on exactly lognormal latencies the latter catches a
// few points more, but when a few percent of requests on both sides are far slower it loses about half its
// power where Mann-Whitney loses a tenth (docs/BENCHMARKS.md, the statistic table).
import { type Comparison, decidedAt, harmonic, metricJudgment } from './comparison.js';
import {
  constantLatencies,
  type LookOutcome,
  latencyDropNotes,
  latencyRule,
  latencySentence,
  missingLatency,
  sequentialClause,
  tooFewLatency,
} from './explain.js';
import { hodgesLehmannSorted, mannWhitneySorted } from './mann-whitney.js';
import { SequentialTest, type SpendingFunction } from './sequential.js';
import type { ResolvedSettings } from './settings.js';
import { LATENCY_FLOOR_MS, type Sides } from './side-data.js';
import { checkLatencyThresholds, formatMs, quantileSorted } from './thresholds.js';
import type { MetricJudgment, Statistic } from './types.js';

export class LatencyJudge {
  private readonly test: SequentialTest;
  /** The comparison as it stood at the deciding look: after it, later looks show it unchanged. */
  private decision: Comparison | undefined;

  constructor(
    private readonly settings: ResolvedSettings,
    spending: SpendingFunction,
  ) {
    this.test = new SequentialTest(settings.alpha.latency, spending);
  }

  judge(sides: Sides): MetricJudgment {
    const { settings } = this;
    const { thresholds } = settings;
    const threshold = latencyRule(1 + settings.allowedIncrease.latency, settings.confidence, {
      p50: thresholds.latencyP50Ms,
      p95: thresholds.latencyP95Ms,
      p99: thresholds.latencyP99Ms,
    });
    const baseline = Float64Array.from(sides.baseline.latencies).sort();
    const canary = Float64Array.from(sides.canary.latencies).sort();
    const samples = { baseline: baseline.length, canary: canary.length };
    const notes = latencyDropNotes(sides, LATENCY_FLOOR_MS);
    if (baseline.length === 0 || canary.length === 0) {
      // Absolute thresholds need only the canary: a silent baseline does not hide a breach.
      const checks = canary.length >= settings.minSamples ? checkLatencyThresholds(canary, thresholds) : [];
      return metricJudgment(
        'latency',
        { verdict: 'no-data', sentence: missingLatency(baseline.length, canary.length) },
        checks,
        {
          notes,
          samples,
          baseline: baseline.length ? quantileSorted(baseline, 0.95) : null,
          canary: canary.length ? quantileSorted(canary, 0.95) : null,
          threshold,
        },
      );
    }
    const baselineP95 = quantileSorted(baseline, 0.95);
    const canaryP95 = quantileSorted(canary, 0.95);
    const values = `canary p95 ${formatMs(canaryP95)} vs baseline ${formatMs(baselineP95)}`;
    const enough = Math.min(baseline.length, canary.length) >= settings.minSamples;
    const comparison = this.decision ?? this.compare(baseline, canary, values, enough);
    const checks = enough ? checkLatencyThresholds(canary, thresholds) : [];
    return metricJudgment('latency', comparison, checks, {
      notes,
      samples,
      baseline: baselineP95,
      canary: canaryP95,
      threshold,
    });
  }

  private compare(baseline: Float64Array, canary: Float64Array, values: string, enough: boolean): Comparison {
    const { settings } = this;
    if (!enough) {
      // One side at max-samples and the other still short: more of the same traffic split will not help.
      const ended = Math.max(baseline.length, canary.length) >= settings.maxSamples;
      return {
        verdict: ended ? 'inconclusive' : 'continue',
        sentence: tooFewLatency(
          values,
          { baseline: baseline.length, canary: canary.length },
          settings.minSamples,
          ended ? settings.maxSamples : undefined,
        ),
      };
    }
    const allowedRatio = 1 + settings.allowedIncrease.latency;
    const logs = (sorted: Float64Array) => sorted.map((ms) => Math.log(Math.max(ms, LATENCY_FLOOR_MS)));
    const logBaseline = logs(baseline);
    const logCanary = logs(canary);
    const test = mannWhitneySorted(logBaseline, logCanary, { shift: Math.log(allowedRatio) });
    const shift = hodgesLehmannSorted(logBaseline, logCanary, settings.confidence);
    const ratio = Math.exp(shift.estimate);
    const interval: [number, number] = [Math.exp(shift.interval[0]), Math.exp(shift.interval[1])];
    const information = harmonic(baseline.length, canary.length) / (settings.maxSamples / 2);
    const look = this.test.canLook(information)
      ? this.test.look(information, test.zGreater)
      : this.test.lastLook;
    if (!look) throw new Error('latency: no look was taken'); // unreachable: the first look always has information
    const statistic: Statistic = {
      test: 'mann-whitney',
      value: test.zGreater,
      pValue: test.pGreater,
      // JSON has no Infinity: an unbounded boundary or interval is left out (the reason says why).
      ...(Number.isFinite(look.boundary) ? { boundary: look.boundary } : {}),
      ...(Number.isFinite(interval[0]) && Number.isFinite(interval[1]) && interval[0] > 0
        ? { interval }
        : {}),
      estimate: ratio,
    };
    const perSide = `${Math.min(baseline.length, canary.length)} of ${settings.maxSamples} samples per side`;
    const outcome: LookOutcome = look.crossed
      ? 'crossed'
      : look.final
        ? 'final'
        : interval[1] <= allowedRatio
          ? 'within'
          : 'undecided';
    const comparison: Comparison = {
      verdict: outcome === 'crossed' ? 'fail' : outcome === 'undecided' ? 'continue' : 'pass',
      sentence: latencySentence(outcome, {
        values,
        constant: constantLatencies(baseline, canary),
        ratio,
        interval,
        confidence: settings.confidence,
        allowedRatio,
        sequential: sequentialClause(look, perSide),
      }),
      statistic,
    };
    if (this.test.decided) this.decision = decidedAt(comparison, look);
    return comparison;
  }
}
