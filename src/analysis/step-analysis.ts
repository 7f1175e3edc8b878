// One step's analysis: observations accumulate across looks; each look judges latency (latency-judge.ts,
// or aggregate.ts for a source that reports aggregates) and error rate (error-rate-judge.ts), and combines
// both into one verdict with its reasons (the sentences: explain.ts). The settings: settings.ts.
import type { Observation } from '../metrics/types.js';
import { type AggregateLook, judgeAggregateLatency, lookValue } from './aggregate.js';
import { ErrorRateJudge } from './error-rate-judge.js';
import { judgmentReason } from './explain.js';
import { LatencyJudge } from './latency-judge.js';
import type { SpendingFunction } from './sequential.js';
import { DEFAULT_SPENDING, type ResolvedSettings, resolveSettings } from './settings.js';
import { SideData, type Sides } from './side-data.js';
import type { AnalysisSettings, Judgment, MetricJudgment, StepAnalysis, Verdict } from './types.js';

export interface StepAnalysisOptions {
  /** α-spending functions instead of DEFAULT_SPENDING's, per comparison. */
  spending?: { latency?: SpendingFunction; errorRate?: SpendingFunction };
}

class Analysis implements StepAnalysis {
  private readonly settings: ResolvedSettings;
  private readonly sides: Sides = { baseline: new SideData(), canary: new SideData() };
  private readonly latency: LatencyJudge;
  private readonly errorRate: ErrorRateJudge;
  /** Latency aggregates, one entry per look that brought any (aggregate.ts judges them). */
  private readonly aggregateLooks: AggregateLook[] = [];

  constructor(settings: AnalysisSettings, options: StepAnalysisOptions) {
    this.settings = resolveSettings(settings);
    const spending = { ...DEFAULT_SPENDING, ...options.spending };
    this.latency = new LatencyJudge(this.settings, spending.latency);
    this.errorRate = new ErrorRateJudge(this.settings, spending.errorRate);
  }

  add(observation: Observation): void {
    this.sides.baseline.add(observation.baseline);
    this.sides.canary.add(observation.canary);
    const { baseline, canary } = observation;
    if (baseline.latencyAggregate || canary.latencyAggregate) {
      const look: AggregateLook = {};
      const baselineValue = lookValue(baseline.latencyMs);
      const canaryValue = lookValue(canary.latencyMs);
      if (baselineValue !== undefined) look.baseline = baselineValue;
      if (canaryValue !== undefined) look.canary = canaryValue;
      this.aggregateLooks.push(look);
    }
  }

  judge(): Judgment {
    const latency =
      this.aggregateLooks.length > 0
        ? judgeAggregateLatency(this.aggregateLooks, this.settings)
        : this.latency.judge(this.sides);
    const errorRate = this.errorRate.judge(this.sides);
    return combine([latency, errorRate], this.measured());
  }

  /** Which metrics have anything on either side: one no source reports is left out of the verdict. */
  private measured(): Record<'latency' | 'error-rate', boolean> {
    const { baseline, canary } = this.sides;
    return {
      latency:
        this.aggregateLooks.length +
          baseline.latencies.length +
          canary.latencies.length +
          baseline.droppedLatencies +
          canary.droppedLatencies >
        0,
      'error-rate': baseline.requests + canary.requests + baseline.droppedWindows + canary.droppedWindows > 0,
    };
  }
}

/** One verdict for the step from its metrics (fail beats no-data beats continue beats inconclusive beats pass). */
export function combine(
  metrics: MetricJudgment[],
  measured: Record<MetricJudgment['metric'], boolean>,
): Judgment {
  const counted = metrics.filter((metric) => measured[metric.metric]);
  const unmeasured = metrics.filter((metric) => !measured[metric.metric]);
  if (counted.length === 0) {
    return { verdict: 'no-data', reason: 'no observations from either side yet', metrics };
  }
  const order: Verdict[] = ['fail', 'no-data', 'continue', 'inconclusive', 'pass'];
  const verdict = order.find((v) => counted.some((metric) => metric.verdict === v)) ?? 'pass';
  const which = counted.filter((metric) => metric.verdict === verdict);
  // A metric no side measures is left out of the list too: the rollout counts samples over the list.
  return { verdict, reason: judgmentReason(verdict, which, unmeasured), metrics: counted };
}

export function createStepAnalysis(
  settings: AnalysisSettings,
  options: StepAnalysisOptions = {},
): StepAnalysis {
  return new Analysis(settings, options);
}
