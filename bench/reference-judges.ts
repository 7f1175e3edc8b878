// Reference judges, for the benchmark only: what canary analysis commonly does instead of a sequential test,
// so the figures of ours can be read beside them. Both look once (call judge() at the end) and share the
// StepAnalysis shape. They are not used by the canary-promote action.
//
//   fixed-threshold  canary p95 ≤ 1.2× baseline p95 (and error rate ≤ 1.2× baseline's): a common hand rule.
//   kayenta          Spinnaker Kayenta's Mann-Whitney classifier as published: the two-sided Hodges-Lehmann
//                    interval of canary − baseline (raw values, 98%) must not lie wholly above 25% of the
//                    estimate's size; error rates are judged the Kayenta way, on the per-window rates.

import { hodgesLehmannSorted, sortedCopy } from '../src/analysis/mann-whitney.js';
import { formatMs, formatRate, quantileSorted } from '../src/analysis/thresholds.js';
import type { Judgment, MetricJudgment, StepAnalysis, Verdict } from '../src/analysis/types.js';
import type { Observation } from '../src/metrics/types.js';

export interface ReferenceSettings {
  /** Below this many samples (requests for error rates) per side the judge says `continue`. */
  minSamples: number;
}

interface Collected {
  latencies: { baseline: number[]; canary: number[] };
  requests: { baseline: number; canary: number };
  errors: { baseline: number; canary: number };
  /** Per observation window, the error rate of each side (Kayenta compares these series). */
  windowRates: { baseline: number[]; canary: number[] };
}

function collector(): { add(observation: Observation): void; data: Collected } {
  const data: Collected = {
    latencies: { baseline: [], canary: [] },
    requests: { baseline: 0, canary: 0 },
    errors: { baseline: 0, canary: 0 },
    windowRates: { baseline: [], canary: [] },
  };
  return {
    data,
    add(observation) {
      for (const side of ['baseline', 'canary'] as const) {
        const seen = observation[side];
        for (const value of seen.latencyMs)
          if (Number.isFinite(value) && value >= 0) data.latencies[side].push(value);
        if (seen.requests > 0 && seen.errors >= 0 && seen.errors <= seen.requests) {
          data.requests[side] += seen.requests;
          data.errors[side] += seen.errors;
          data.windowRates[side].push(seen.errors / seen.requests);
        }
      }
    },
  };
}

function combine(metrics: MetricJudgment[]): Judgment {
  const order: Verdict[] = ['fail', 'no-data', 'continue', 'inconclusive', 'pass'];
  const verdict = order.find((v) => metrics.some((m) => m.verdict === v)) ?? 'pass';
  const which = metrics.filter((m) => m.verdict === verdict);
  return { verdict, reason: which.map((m) => `${m.metric}: ${m.reason}`).join('; '), metrics };
}

/** `canary p95 ≤ ratio × baseline p95`, and the same ratio on the error rate, at one look. */
export function createFixedThresholdJudge(settings: ReferenceSettings, ratio = 1.2): StepAnalysis {
  const { add, data } = collector();
  return {
    add,
    judge() {
      const metrics: MetricJudgment[] = [];
      const b = sortedCopy(data.latencies.baseline);
      const c = sortedCopy(data.latencies.canary);
      const samples = { baseline: b.length, canary: c.length };
      const threshold = `canary p95 ≤ ${ratio}× baseline p95`;
      if (b.length === 0 || c.length === 0) {
        metrics.push({
          metric: 'latency',
          verdict: 'no-data',
          reason: 'no latencies',
          samples,
          baseline: null,
          canary: null,
          threshold,
        });
      } else {
        const bp95 = quantileSorted(b, 0.95);
        const cp95 = quantileSorted(c, 0.95);
        const enough = Math.min(b.length, c.length) >= settings.minSamples;
        const verdict: Verdict = !enough ? 'continue' : cp95 <= ratio * bp95 ? 'pass' : 'fail';
        metrics.push({
          metric: 'latency',
          verdict,
          reason: `canary p95 ${formatMs(cp95)} vs ${ratio}× baseline p95 ${formatMs(ratio * bp95)}`,
          samples,
          baseline: bp95,
          canary: cp95,
          statistic: { test: 'fixed-ratio', estimate: cp95 / bp95, boundary: ratio },
          threshold,
        });
      }
      const requests = { ...data.requests };
      const rateThreshold = `canary error rate ≤ ${ratio}× baseline's`;
      if (requests.baseline === 0 || requests.canary === 0) {
        metrics.push({
          metric: 'error-rate',
          verdict: 'no-data',
          reason: 'no requests',
          samples: requests,
          baseline: null,
          canary: null,
          threshold: rateThreshold,
        });
      } else {
        const br = data.errors.baseline / requests.baseline;
        const cr = data.errors.canary / requests.canary;
        const enough = Math.min(requests.baseline, requests.canary) >= settings.minSamples;
        const verdict: Verdict = !enough ? 'continue' : cr <= ratio * br ? 'pass' : 'fail';
        metrics.push({
          metric: 'error-rate',
          verdict,
          reason: `canary ${formatRate(cr)} vs ${ratio}× baseline ${formatRate(ratio * br)}`,
          samples: requests,
          baseline: br,
          canary: cr,
          threshold: rateThreshold,
        });
      }
      return combine(metrics);
    },
  };
}

/** Kayenta's Mann-Whitney classification of one metric's values: high (fail), or pass. */
export function kayentaClassify(
  baseline: readonly number[],
  canary: readonly number[],
  confidence = 0.98,
  tolerance = 0.25,
): { verdict: 'pass' | 'fail'; estimate: number; interval: [number, number]; reason: string } {
  const same = baseline.length === canary.length && baseline.every((value, i) => value === canary[i]);
  const shift = hodgesLehmannSorted(sortedCopy(baseline), sortedCopy(canary), confidence);
  if (same) return { verdict: 'pass', estimate: 0, interval: [0, 0], reason: 'identical series' };
  const allowed = tolerance * Math.abs(shift.estimate);
  const high = shift.interval[0] > allowed;
  return {
    verdict: high ? 'fail' : 'pass',
    estimate: shift.estimate,
    interval: shift.interval,
    reason: `Hodges-Lehmann shift ${shift.estimate.toPrecision(3)} (${confidence * 100}% CI ${shift.interval[0].toPrecision(3)}…${shift.interval[1].toPrecision(3)}); lower end ${high ? '>' : '≤'} ${tolerance * 100}% of the shift (${allowed.toPrecision(3)})`,
  };
}

/** Kayenta's rule at one look: Mann-Whitney at 98% with 25% tolerance on the Hodges-Lehmann shift. */
export function createKayentaJudge(
  settings: ReferenceSettings,
  confidence = 0.98,
  tolerance = 0.25,
): StepAnalysis {
  const { add, data } = collector();
  const threshold = `Kayenta Mann-Whitney, ${confidence * 100}% confidence, ${tolerance * 100}% tolerance`;
  const metric = (
    name: MetricJudgment['metric'],
    baseline: number[],
    canary: number[],
    samples: { baseline: number; canary: number },
    summary: (values: number[]) => number,
    minimum: number,
  ): MetricJudgment => {
    if (baseline.length === 0 || canary.length === 0)
      return {
        metric: name,
        verdict: 'no-data',
        reason: 'no data',
        samples,
        baseline: null,
        canary: null,
        threshold,
      };
    if (Math.min(samples.baseline, samples.canary) < minimum)
      return {
        metric: name,
        verdict: 'continue',
        reason: 'too few samples',
        samples,
        baseline: summary(baseline),
        canary: summary(canary),
        threshold,
      };
    const result = kayentaClassify(baseline, canary, confidence, tolerance);
    return {
      metric: name,
      verdict: result.verdict,
      reason: result.reason,
      samples,
      baseline: summary(baseline),
      canary: summary(canary),
      statistic: { test: 'kayenta-mann-whitney', estimate: result.estimate, interval: result.interval },
      threshold,
    };
  };
  return {
    add,
    judge() {
      const p95 = (values: number[]) => quantileSorted(sortedCopy(values), 0.95);
      const latency = metric(
        'latency',
        data.latencies.baseline,
        data.latencies.canary,
        { baseline: data.latencies.baseline.length, canary: data.latencies.canary.length },
        p95,
        settings.minSamples,
      );
      const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
      const errorRate = metric(
        'error-rate',
        data.windowRates.baseline,
        data.windowRates.canary,
        { ...data.requests },
        mean,
        settings.minSamples,
      );
      return combine([latency, errorRate]);
    },
  };
}
