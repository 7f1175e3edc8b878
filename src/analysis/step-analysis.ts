// One step's analysis: observations accumulate across looks; each look judges latency (Mann-Whitney on log
// latencies, Hodges-Lehmann ratio, sequential boundary) and error rate (two-proportion z, sequential
// boundary), checks the absolute thresholds, and combines both into one verdict with its reasons.
// Mann-Whitney rather than a z of the mean log latency: on exactly lognormal latencies the latter catches a
// few points more (30% slower within 100 per side 70% against 62%), but when 3% of requests on both sides
// are 20 times slower it falls to 33% where Mann-Whitney keeps 57% (the bench's statistic table).
import type { Observation, Side, SideObservation } from '../metrics/types.js';
import { type AggregateLook, judgeAggregateLatency, lookValue } from './aggregate.js';
import { hodgesLehmannSorted, mannWhitneySorted } from './mann-whitney.js';
import { twoProportionTest } from './proportions.js';
import {
  powerSpending,
  type SequentialLook,
  SequentialTest,
  type SpendingFunction,
  withLinearStart,
} from './sequential.js';
import {
  checkErrorRateThreshold,
  checkLatencyThresholds,
  formatMs,
  formatRate,
  quantileSorted,
  type ThresholdCheck,
} from './thresholds.js';
import type {
  AnalysisSettings,
  Judgment,
  MetricJudgment,
  Statistic,
  StepAnalysis,
  Verdict,
} from './types.js';

/** Latencies at or below this are taken as this for the log scale (a 0 ms latency has no log). */
export const LATENCY_FLOOR_MS = 0.001;

/**
 * The α-spending of each comparison: α·t^1.5 for latency, α·t^3.5 for error rates, which have too few events
 * early for early α to be of use (sequential.ts has the measurements behind both). Latency's starts
 * linearly, at least 0.35·α·t, so a gross regression is stopped at the first look: measured on the bench's
 * seeds (1000 analyses, a look every 20 per side, max-samples 300), 2× slower caught at the first look in
 * 50.6% with α·t^1.5 alone, 52.1% at 0.3·α·t, 54.8% at 0.35·α·t and 56.5% at 0.4·α·t, while 30% slower ≤ 100 /
 * 10% slower ≤ 300 / false aborts stay 63.8% / 35.2% / 0.8% up to 0.35 and fall to 63.6% / 35.1% at 0.4.
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
 * error test has seen its max-requests). Measured by bench/canary-analysis.bench.ts (500 analyses, 99%, a
 * look every 20 per side; caught 30% slower ≤ 100 / 10% slower ≤ 300 / errors 0.1% → 2% ≤ 500 per side):
 * share 0.5 61% / 33% / 62%, 0.4 63% / 36% / 61%, 0.3 64% / 38% / 51%, 0.2 66% / 40% / 43%, 0.1 67% /
 * 41% / 31%. At 0.4 each sits at about 70% of what a one-look 1% test reaches (92%, 50%, 84%); beyond it,
 * latency gains a point or two per tenth and the discrete error test loses ten.
 */
export const DEFAULT_ERROR_RATE_SHARE = 0.4;

export interface StepAnalysisOptions {
  /** α-spending functions instead of DEFAULT_SPENDING's, per comparison. */
  spending?: { latency?: SpendingFunction; errorRate?: SpendingFunction };
}

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

/** 1.1 → `1.10×`. */
function times(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞×' : '0×';
  return `${value.toFixed(2)}×`;
}

function fixed(value: number, decimals: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  return value.toFixed(decimals);
}

/** `99%`, `99.5%`. */
function level(confidence: number): string {
  return `${Number((confidence * 100).toPrecision(4))}%`;
}

/** Percentage points with a sign: `+1.9 pts`. */
function points(difference: number): string {
  const value = difference * 100;
  const text = Math.abs(value) >= 1 ? value.toFixed(1) : Number(value.toPrecision(2)).toString();
  return `${value >= 0 ? '+' : ''}${text}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The two-sided interval the reason shows; `unbounded` when the samples are too few to bound it. */
function ratioInterval(confidence: number, interval: [number, number]): string {
  // exp of an unbounded log interval is (0, ∞).
  if (!(interval[0] > 0) || !Number.isFinite(interval[1])) return `${level(confidence)} CI unbounded`;
  return `${level(confidence)} CI ${fixed(interval[0], 2)}–${fixed(interval[1], 2)}`;
}

/** "z=5.1 ≥ boundary 2.9 at look 4 (120 of 300 samples per side)". */
function sequentialClause(look: SequentialLook, samples: string): string {
  const bound = Number.isFinite(look.boundary) ? fixed(look.boundary, 2) : '∞ (nothing spent yet)';
  const relation = look.crossed ? '≥' : '<';
  return `z=${fixed(look.z, 2)} ${relation} ${look.final ? 'final ' : ''}boundary ${bound} at ${samples}`;
}

interface Comparison {
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

class SideData {
  latencies: number[] = [];
  requests = 0;
  errors = 0;
  droppedLatencies = 0;
  zeroLatencies = 0;
  droppedWindows = 0;

  add(side: SideObservation): void {
    this.addCounts(side);
    if (side.latencyAggregate) return;
    for (const value of side.latencyMs) {
      if (!Number.isFinite(value) || value < 0) {
        this.droppedLatencies++;
        continue;
      }
      if (value <= LATENCY_FLOOR_MS) this.zeroLatencies++;
      this.latencies.push(value);
    }
  }

  private addCounts(side: SideObservation): void {
    const { requests, errors } = side;
    if (
      Number.isInteger(requests) &&
      Number.isInteger(errors) &&
      requests >= 0 &&
      errors >= 0 &&
      errors <= requests
    ) {
      this.requests += requests;
      this.errors += errors;
    } else if (!(requests === 0 && errors === 0)) {
      this.droppedWindows++;
    }
  }
}

class Analysis implements StepAnalysis {
  private readonly settings: ResolvedSettings;
  private readonly sides: Record<Side, SideData> = { baseline: new SideData(), canary: new SideData() };
  private readonly latencyTest: SequentialTest;
  private readonly errorTest: SequentialTest;
  /** The comparison as it stood at the deciding look: after it, later looks show it unchanged. */
  private latencyDecision: Comparison | undefined;
  private errorDecision: Comparison | undefined;
  /** Latency aggregates, one entry per look that brought any (aggregate.ts judges them). */
  private readonly aggregateLooks: AggregateLook[] = [];

  constructor(settings: AnalysisSettings, options: StepAnalysisOptions) {
    this.settings = resolveSettings(settings);
    const spending = { ...DEFAULT_SPENDING, ...options.spending };
    this.latencyTest = new SequentialTest(this.settings.alpha.latency, spending.latency);
    this.errorTest = new SequentialTest(this.settings.alpha.errorRate, spending.errorRate);
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
    const latency = this.judgeLatency();
    const errorRate = this.judgeErrorRate();
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

  private dropNotes(): string {
    const notes: string[] = [];
    for (const side of ['baseline', 'canary'] as const) {
      const data = this.sides[side];
      if (data.droppedLatencies > 0)
        notes.push(
          `dropped ${plural(data.droppedLatencies, 'non-finite or negative latency value')} from the ${side}`,
        );
      if (data.zeroLatencies > 0)
        notes.push(
          `${plural(data.zeroLatencies, 'latency')} of 0 ms from the ${side} counted as ${LATENCY_FLOOR_MS} ms for the ratio`,
        );
    }
    return notes.length === 0 ? '' : ` (${notes.join('; ')})`;
  }

  private judgeLatency(): MetricJudgment {
    const { settings } = this;
    if (this.aggregateLooks.length > 0) return judgeAggregateLatency(this.aggregateLooks, settings);
    const allowedRatio = 1 + settings.allowedIncrease.latency;
    const rules = [`≤ ${times(allowedRatio)} baseline at ${level(settings.confidence)}`];
    for (const [name, label] of [
      ['latencyP50Ms', 'p50'],
      ['latencyP95Ms', 'p95'],
      ['latencyP99Ms', 'p99'],
    ] as const) {
      const limit = settings.thresholds[name];
      if (limit !== undefined) rules.push(`${label} ≤ ${formatMs(limit)}`);
    }
    const threshold = rules.join('; ');
    const baseline = Float64Array.from(this.sides.baseline.latencies).sort();
    const canary = Float64Array.from(this.sides.canary.latencies).sort();
    const samples = { baseline: baseline.length, canary: canary.length };
    const notes = this.dropNotes();
    if (baseline.length === 0 || canary.length === 0) {
      const missing =
        baseline.length === 0 && canary.length === 0
          ? 'no latency observations from either side'
          : baseline.length === 0
            ? `no latency observations from the baseline (the canary has ${canary.length})`
            : `no latency observations from the canary (the baseline has ${baseline.length})`;
      // Absolute thresholds need only the canary: a silent baseline does not hide a breach.
      const checks =
        canary.length >= settings.minSamples ? checkLatencyThresholds(canary, settings.thresholds) : [];
      const judged = withThresholds({ verdict: 'no-data', sentence: missing }, checks);
      return {
        metric: 'latency',
        verdict: judged.verdict,
        reason: `${judged.sentence}${notes}`,
        samples,
        baseline: baseline.length ? quantileSorted(baseline, 0.95) : null,
        canary: canary.length ? quantileSorted(canary, 0.95) : null,
        ...(judged.statistic ? { statistic: judged.statistic } : {}),
        threshold,
      };
    }
    const baselineP95 = quantileSorted(baseline, 0.95);
    const canaryP95 = quantileSorted(canary, 0.95);
    const values = `canary p95 ${formatMs(canaryP95)} vs baseline ${formatMs(baselineP95)}`;
    const enough = Math.min(baseline.length, canary.length) >= settings.minSamples;
    const comparison = this.latencyDecision ?? this.compareLatency(baseline, canary, values, enough);
    const checks = enough ? checkLatencyThresholds(canary, settings.thresholds) : [];
    const judged = withThresholds(comparison, checks);
    return {
      metric: 'latency',
      verdict: judged.verdict,
      reason: `${judged.sentence}${notes}`,
      samples,
      baseline: baselineP95,
      canary: canaryP95,
      ...(judged.statistic ? { statistic: judged.statistic } : {}),
      threshold,
    };
  }

  private compareLatency(
    baseline: Float64Array,
    canary: Float64Array,
    values: string,
    enough: boolean,
  ): Comparison {
    const { settings } = this;
    if (!enough) {
      // One side at max-samples and the other still short: more of the same traffic split will not help.
      const ended = Math.max(baseline.length, canary.length) >= settings.maxSamples;
      return {
        verdict: ended ? 'inconclusive' : 'continue',
        sentence: `${values}; ${baseline.length} baseline and ${canary.length} canary samples, ${settings.minSamples} per side needed before comparing${ended ? ` (one side reached max-samples ${settings.maxSamples})` : ''}`,
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
    const look = this.latencyTest.canLook(information)
      ? this.latencyTest.look(information, test.zGreater)
      : this.latencyTest.lastLook;
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
    const constantSides =
      baseline[0] === baseline[baseline.length - 1] && canary[0] === canary[canary.length - 1];
    const constant = !constantSides
      ? ''
      : baseline[0] === canary[0]
        ? `all ${baseline.length + canary.length} latencies are ${formatMs(baseline[0]!)}: nothing differs; `
        : `each side is constant (${formatMs(canary[0]!)} vs ${formatMs(baseline[0]!)}); `;
    const estimate = `Hodges-Lehmann ratio ${fixed(ratio, 2)} (${ratioInterval(settings.confidence, interval)})`;
    const sequential = sequentialClause(look, perSide);
    let comparison: Comparison;
    if (look.crossed) {
      comparison = {
        verdict: 'fail',
        sentence: `${values}; ${constant}${estimate} ${ratio > allowedRatio ? '>' : '≤'} allowed ${fixed(allowedRatio, 2)}; ${sequential}: the canary is slower`,
        statistic,
      };
    } else if (look.final) {
      comparison = {
        verdict: 'pass',
        sentence: `${values}; ${constant}${estimate}, allowed ${fixed(allowedRatio, 2)}; ${sequential} (max-samples): no evidence the canary is slower`,
        statistic,
      };
    } else if (interval[1] <= allowedRatio) {
      comparison = {
        verdict: 'pass',
        sentence: `${values}; ${constant}${estimate} within allowed ${fixed(allowedRatio, 2)}; ${sequential}: not slower beyond the allowance`,
        statistic,
      };
    } else {
      comparison = {
        verdict: 'continue',
        sentence: `${values}; ${constant}${estimate}, allowed ${fixed(allowedRatio, 2)}; ${sequential}: undecided, collecting more`,
        statistic,
      };
    }
    if (this.latencyTest.decided) this.latencyDecision = decidedAt(comparison, look);
    return comparison;
  }

  private judgeErrorRate(): MetricJudgment {
    const { settings } = this;
    const { baseline, canary } = this.sides;
    const margin = 1 + settings.allowedIncrease.errorRate;
    const rules = [`≤ ${times(margin)} baseline rate at ${level(settings.confidence)}`];
    if (settings.thresholds.maxErrorRate !== undefined)
      rules.push(`error rate ≤ ${formatRate(settings.thresholds.maxErrorRate)}`);
    const threshold = rules.join('; ');
    const samples = { baseline: baseline.requests, canary: canary.requests };
    const dropped = (['baseline', 'canary'] as const)
      .filter((side) => this.sides[side].droppedWindows > 0)
      .map(
        (side) =>
          `dropped ${plural(this.sides[side].droppedWindows, 'window')} of invalid request counts from the ${side}`,
      );
    const notes = dropped.length ? ` (${dropped.join('; ')})` : '';
    if (baseline.requests === 0 || canary.requests === 0) {
      const missing =
        baseline.requests === 0 && canary.requests === 0
          ? 'no requests counted on either side'
          : baseline.requests === 0
            ? `no requests counted for the baseline (the canary has ${canary.requests})`
            : `no requests counted for the canary (the baseline has ${baseline.requests})`;
      const check =
        canary.requests >= settings.minSamples
          ? checkErrorRateThreshold(canary.errors, canary.requests, settings.thresholds)
          : undefined;
      const judged = withThresholds({ verdict: 'no-data', sentence: missing }, check ? [check] : []);
      return {
        metric: 'error-rate',
        verdict: judged.verdict,
        reason: `${judged.sentence}${notes}`,
        samples,
        baseline: baseline.requests ? baseline.errors / baseline.requests : null,
        canary: canary.requests ? canary.errors / canary.requests : null,
        ...(judged.statistic ? { statistic: judged.statistic } : {}),
        threshold,
      };
    }
    const baselineRate = baseline.errors / baseline.requests;
    const canaryRate = canary.errors / canary.requests;
    const values = `canary ${formatRate(canaryRate)} errors (${canary.errors}/${canary.requests}) vs baseline ${formatRate(baselineRate)} (${baseline.errors}/${baseline.requests})`;
    const enough = Math.min(baseline.requests, canary.requests) >= settings.minSamples;
    const comparison = this.errorDecision ?? this.compareErrors(values, enough, margin);
    const check = enough
      ? checkErrorRateThreshold(canary.errors, canary.requests, settings.thresholds)
      : undefined;
    const judged = withThresholds(comparison, check ? [check] : []);
    return {
      metric: 'error-rate',
      verdict: judged.verdict,
      reason: `${judged.sentence}${notes}`,
      samples,
      baseline: baselineRate,
      canary: canaryRate,
      ...(judged.statistic ? { statistic: judged.statistic } : {}),
      threshold,
    };
  }

  private compareErrors(values: string, enough: boolean, margin: number): Comparison {
    const { settings } = this;
    const { baseline, canary } = this.sides;
    if (!enough) {
      const ended = Math.max(baseline.requests, canary.requests) >= settings.maxRequests;
      return {
        verdict: ended ? 'inconclusive' : 'continue',
        sentence: `${values}; ${settings.minSamples} requests per side needed before comparing${ended ? ` (one side reached max-requests ${settings.maxRequests})` : ''}`,
      };
    }
    const test = twoProportionTest(
      { events: baseline.errors, trials: baseline.requests },
      { events: canary.errors, trials: canary.requests },
      { allowedIncrease: settings.allowedIncrease.errorRate, confidence: settings.confidence },
    );
    const information = harmonic(baseline.requests, canary.requests) / (settings.maxRequests / 2);
    const look = this.errorTest.canLook(information)
      ? this.errorTest.look(information, test.z)
      : this.errorTest.lastLook;
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
    let special = '';
    if (baseline.errors === 0 && canary.errors === 0)
      special = 'no errors on either side: nothing to compare; ';
    else if (baseline.errors === baseline.requests && canary.errors === canary.requests)
      special = 'every request failed on both sides: the rates cannot differ; ';
    else if (baseline.errors === 0)
      special = `the baseline had no errors, so ${times(margin)} its rate allows none and each canary error counts; `;
    const difference = `difference ${points(test.difference)} pts (${level(settings.confidence)} CI ${points(test.interval[0])} to ${points(test.interval[1])})`;
    const allowed = `allowed ${times(margin)} baseline`;
    const sequential = sequentialClause(look, perSide);
    let comparison: Comparison;
    if (look.crossed) {
      comparison = {
        verdict: 'fail',
        sentence: `${values}; ${special}${difference} beyond ${allowed}; ${sequential}: the canary fails more often`,
        statistic,
      };
    } else if (look.final) {
      comparison = {
        verdict: 'pass',
        sentence: `${values}; ${special}${difference}, ${allowed}; ${sequential} (max-samples): no evidence the canary fails more often`,
        statistic,
      };
    } else if (test.interval[1] <= (margin - 1) * test.baselineRate && test.interval[1] < 1) {
      comparison = {
        verdict: 'pass',
        sentence: `${values}; ${special}${difference} within ${allowed}; ${sequential}: not worse beyond the allowance`,
        statistic,
      };
    } else {
      comparison = {
        verdict: 'continue',
        sentence: `${values}; ${special}${difference}, ${allowed}; ${sequential}: undecided, collecting more`,
        statistic,
      };
    }
    if (this.errorTest.decided) this.errorDecision = decidedAt(comparison, look);
    return comparison;
  }
}

/** n1·n2/(n1 + n2): the information of a two-sample comparison, n/2 for n per side. */
function harmonic(n1: number, n2: number): number {
  return (n1 * n2) / (n1 + n2);
}

/** The decision kept for later looks, saying it was made earlier and that the budget is spent. */
function decidedAt(comparison: Comparison, look: SequentialLook): Comparison {
  return {
    ...comparison,
    sentence: `${comparison.sentence} (decided at look ${look.index}; later samples do not change it)`,
  };
}

const NAMES: Record<MetricJudgment['metric'], string> = { latency: 'latency', 'error-rate': 'error rate' };

/** One verdict for the step from its metrics (fail beats no-data beats continue beats inconclusive beats pass). */
export function combine(
  metrics: MetricJudgment[],
  measured: Record<MetricJudgment['metric'], boolean>,
): Judgment {
  const counted = metrics.filter((metric) => measured[metric.metric]);
  const unmeasured = metrics
    .filter((metric) => !measured[metric.metric])
    .map((metric) => NAMES[metric.metric]);
  if (counted.length === 0) {
    return { verdict: 'no-data', reason: 'no observations from either side yet', metrics };
  }
  const aside = unmeasured.length ? ` (${unmeasured.join(' and ')}: not measured by either side)` : '';
  const order: Verdict[] = ['fail', 'no-data', 'continue', 'inconclusive', 'pass'];
  const verdict = order.find((v) => counted.some((metric) => metric.verdict === v)) ?? 'pass';
  const which = counted.filter((metric) => metric.verdict === verdict);
  const names = which.map((metric) => NAMES[metric.metric]).join(' and ');
  const detail = which.map((metric) => `${NAMES[metric.metric]}: ${metric.reason}`).join('; ');
  const heads: Record<Verdict, string> = {
    fail: `${names} ${which.length > 1 ? 'fail' : 'fails'}`,
    'no-data': `no data for ${names}`,
    continue: `${names} undecided`,
    inconclusive: `${names} inconclusive`,
    pass: `${names} ${which.length > 1 ? 'pass' : 'passes'}`,
  };
  // A metric no side measures is left out of the list too: the rollout counts samples over the list.
  return { verdict, reason: `${heads[verdict]}${aside} — ${detail}`, metrics: counted };
}

export function createStepAnalysis(
  settings: AnalysisSettings,
  options: StepAnalysisOptions = {},
): StepAnalysis {
  return new Analysis(settings, options);
}
