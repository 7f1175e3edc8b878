// The sentences that explain a verdict: numbers as the reasons show them, the clause of a sequential look,
// and the reason of each metric's comparison and of the step's combined judgment. The statistics
// (latency-judge.ts, error-rate-judge.ts, step-analysis.ts) decide; this module only says why.
import type { SequentialLook } from './sequential.js';
import { formatMs, formatRate } from './thresholds.js';
import type { MetricJudgment, Verdict } from './types.js';

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
export function sequentialClause(look: SequentialLook, samples: string): string {
  const bound = Number.isFinite(look.boundary) ? fixed(look.boundary, 2) : '∞ (nothing spent yet)';
  const relation = look.crossed ? '≥' : '<';
  return `z=${fixed(look.z, 2)} ${relation} ${look.final ? 'final ' : ''}boundary ${bound} at ${samples}`;
}

/** A decision kept for later looks, saying it was made earlier and that the budget is spent. */
export function decidedAtSentence(sentence: string, look: SequentialLook): string {
  return `${sentence} (decided at look ${look.index}; later samples do not change it)`;
}

/** What a look of a comparison found: the boundary crossed, the last look, within the allowance, or none yet. */
export type LookOutcome = 'crossed' | 'final' | 'within' | 'undecided';

/** "no latency observations from the canary (the baseline has 40)". */
export function missingLatency(baseline: number, canary: number): string {
  return baseline === 0 && canary === 0
    ? 'no latency observations from either side'
    : baseline === 0
      ? `no latency observations from the baseline (the canary has ${canary})`
      : `no latency observations from the canary (the baseline has ${baseline})`;
}

/** "no requests counted for the baseline (the canary has 40)". */
export function missingRequests(baseline: number, canary: number): string {
  return baseline === 0 && canary === 0
    ? 'no requests counted on either side'
    : baseline === 0
      ? `no requests counted for the baseline (the canary has ${canary})`
      : `no requests counted for the canary (the baseline has ${baseline})`;
}

/** Latency values dropped or floored on a side, as the note after the reason. */
export function latencyDropNotes(
  sides: Record<'baseline' | 'canary', { droppedLatencies: number; zeroLatencies: number }>,
  floorMs: number,
): string {
  const notes: string[] = [];
  for (const side of ['baseline', 'canary'] as const) {
    const data = sides[side];
    if (data.droppedLatencies > 0)
      notes.push(
        `dropped ${plural(data.droppedLatencies, 'non-finite or negative latency value')} from the ${side}`,
      );
    if (data.zeroLatencies > 0)
      notes.push(
        `${plural(data.zeroLatencies, 'latency')} of 0 ms from the ${side} counted as ${floorMs} ms for the ratio`,
      );
  }
  return notes.length === 0 ? '' : ` (${notes.join('; ')})`;
}

/** Windows of invalid request counts dropped on a side, as the note after the reason. */
export function requestDropNotes(sides: Record<'baseline' | 'canary', { droppedWindows: number }>): string {
  const dropped = (['baseline', 'canary'] as const)
    .filter((side) => sides[side].droppedWindows > 0)
    .map(
      (side) =>
        `dropped ${plural(sides[side].droppedWindows, 'window')} of invalid request counts from the ${side}`,
    );
  return dropped.length ? ` (${dropped.join('; ')})` : '';
}

/** The latency metric's rule: `≤ 1.10× baseline at 99%; p95 ≤ 250 ms`. */
export function latencyRule(
  allowedRatio: number,
  confidence: number,
  limits: { p50?: number; p95?: number; p99?: number },
): string {
  const rules = [`≤ ${times(allowedRatio)} baseline at ${level(confidence)}`];
  for (const label of ['p50', 'p95', 'p99'] as const) {
    const limit = limits[label];
    if (limit !== undefined) rules.push(`${label} ≤ ${formatMs(limit)}`);
  }
  return rules.join('; ');
}

/** The error-rate metric's rule: `≤ 1.10× baseline rate at 99%; error rate ≤ 1%`. */
export function errorRateRule(margin: number, confidence: number, maxErrorRate: number | undefined): string {
  const rules = [`≤ ${times(margin)} baseline rate at ${level(confidence)}`];
  if (maxErrorRate !== undefined) rules.push(`error rate ≤ ${formatRate(maxErrorRate)}`);
  return rules.join('; ');
}

/** Below min-samples: how many there are and how many are needed. */
export function tooFewLatency(
  values: string,
  samples: { baseline: number; canary: number },
  minSamples: number,
  endedAt: number | undefined,
): string {
  return `${values}; ${samples.baseline} baseline and ${samples.canary} canary samples, ${minSamples} per side needed before comparing${endedAt !== undefined ? ` (one side reached max-samples ${endedAt})` : ''}`;
}

export function tooFewRequests(values: string, minSamples: number, endedAt: number | undefined): string {
  return `${values}; ${minSamples} requests per side needed before comparing${endedAt !== undefined ? ` (one side reached max-requests ${endedAt})` : ''}`;
}

/** What a latency look found, with the values, the Hodges-Lehmann ratio and the sequential clause. */
export function latencySentence(
  outcome: LookOutcome,
  parts: {
    values: string;
    /** Said first when the sides are constant. */
    constant: string;
    ratio: number;
    interval: [number, number];
    confidence: number;
    allowedRatio: number;
    sequential: string;
  },
): string {
  const { values, constant, ratio, allowedRatio, sequential } = parts;
  const estimate = `Hodges-Lehmann ratio ${fixed(ratio, 2)} (${ratioInterval(parts.confidence, parts.interval)})`;
  const allowed = fixed(allowedRatio, 2);
  switch (outcome) {
    case 'crossed':
      return `${values}; ${constant}${estimate} ${ratio > allowedRatio ? '>' : '≤'} allowed ${allowed}; ${sequential}: the canary is slower`;
    case 'final':
      return `${values}; ${constant}${estimate}, allowed ${allowed}; ${sequential} (max-samples): no evidence the canary is slower`;
    case 'within':
      return `${values}; ${constant}${estimate} within allowed ${allowed}; ${sequential}: not slower beyond the allowance`;
    case 'undecided':
      return `${values}; ${constant}${estimate}, allowed ${allowed}; ${sequential}: undecided, collecting more`;
  }
}

/** Said first when each side's latencies are all the same value. */
export function constantLatencies(baseline: Float64Array, canary: Float64Array): string {
  const constantSides =
    baseline[0] === baseline[baseline.length - 1] && canary[0] === canary[canary.length - 1];
  if (!constantSides) return '';
  return baseline[0] === canary[0]
    ? `all ${baseline.length + canary.length} latencies are ${formatMs(baseline[0]!)}: nothing differs; `
    : `each side is constant (${formatMs(canary[0]!)} vs ${formatMs(baseline[0]!)}); `;
}

/** Said first when the error counts leave nothing to compare, or make every canary error count. */
export function specialErrorCounts(
  baseline: { errors: number; requests: number },
  canary: { errors: number; requests: number },
  margin: number,
): string {
  if (baseline.errors === 0 && canary.errors === 0) return 'no errors on either side: nothing to compare; ';
  if (baseline.errors === baseline.requests && canary.errors === canary.requests)
    return 'every request failed on both sides: the rates cannot differ; ';
  if (baseline.errors === 0)
    return `the baseline had no errors, so ${times(margin)} its rate allows none and each canary error counts; `;
  return '';
}

/** What an error-rate look found, with the values, the difference and its interval, and the sequential clause. */
export function errorRateSentence(
  outcome: LookOutcome,
  parts: {
    values: string;
    special: string;
    difference: number;
    interval: [number, number];
    confidence: number;
    margin: number;
    sequential: string;
  },
): string {
  const { values, special, sequential } = parts;
  const difference = `difference ${points(parts.difference)} pts (${level(parts.confidence)} CI ${points(parts.interval[0])} to ${points(parts.interval[1])})`;
  const allowed = `allowed ${times(parts.margin)} baseline`;
  switch (outcome) {
    case 'crossed':
      return `${values}; ${special}${difference} beyond ${allowed}; ${sequential}: the canary fails more often`;
    case 'final':
      return `${values}; ${special}${difference}, ${allowed}; ${sequential} (max-samples): no evidence the canary fails more often`;
    case 'within':
      return `${values}; ${special}${difference} within ${allowed}; ${sequential}: not worse beyond the allowance`;
    case 'undecided':
      return `${values}; ${special}${difference}, ${allowed}; ${sequential}: undecided, collecting more`;
  }
}

const NAMES: Record<MetricJudgment['metric'], string> = { latency: 'latency', 'error-rate': 'error rate' };

/** The step's reason: the verdict's metrics named, what each says, and the metrics no side measures. */
export function judgmentReason(
  verdict: Verdict,
  which: MetricJudgment[],
  unmeasured: MetricJudgment[],
): string {
  const aside = unmeasured.length
    ? ` (${unmeasured.map((metric) => NAMES[metric.metric]).join(' and ')}: not measured by either side)`
    : '';
  const names = which.map((metric) => NAMES[metric.metric]).join(' and ');
  const detail = which.map((metric) => `${NAMES[metric.metric]}: ${metric.reason}`).join('; ');
  const heads: Record<Verdict, string> = {
    fail: `${names} ${which.length > 1 ? 'fail' : 'fails'}`,
    'no-data': `no data for ${names}`,
    continue: `${names} undecided`,
    inconclusive: `${names} inconclusive`,
    pass: `${names} ${which.length > 1 ? 'pass' : 'passes'}`,
  };
  return `${heads[verdict]}${aside} — ${detail}`;
}
