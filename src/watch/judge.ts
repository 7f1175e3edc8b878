// The watch's judgment of one look: the release against the previous release with the canary analysis's own
// statistics (rank test on latencies, two-proportion test on error rates, thresholds), or against fixed
// limits alone. A scheduled watch looks many times over its window, each run afresh: the false-alarm budget
// 1 − confidence is split evenly over the looks the window holds (Bonferroni), and each look is final for
// its share, so a healthy release is rolled back by mistake at most 1 − confidence over the whole window.
import { createStepAnalysis } from '../analysis/step-analysis.js';
import {
  checkErrorRateThreshold,
  checkLatencyThresholds,
  type ThresholdCheck,
} from '../analysis/thresholds.js';
import type { AnalysisSettings, Judgment, MetricJudgment, Verdict } from '../analysis/types.js';
import type { Observation } from '../metrics/types.js';

export type WatchCompare = 'previous' | 'limits';

export interface WatchJudgment {
  verdict: Verdict;
  reason: string;
  /** What was compared, in words (`v3 against v2 at 99.99% per look`, `v3 against p95 ≤ 200 ms`). */
  compared: string;
  metrics: MetricJudgment[];
  /** The limit checks (limits mode). */
  checks: ThresholdCheck[];
  /** The confidence each look is held to. */
  lookConfidence: number;
}

/** Looks a window holds at one every `everyMs` (at least one). */
export function looksIn(windowMs: number, everyMs: number): number {
  return Math.max(1, Math.ceil(windowMs / everyMs));
}

/** One look's share of the whole window's confidence. */
export function lookConfidence(confidence: number, looks: number): number {
  return 1 - (1 - confidence) / looks;
}

function hasLimits(thresholds: AnalysisSettings['thresholds']): boolean {
  return Object.values(thresholds).some((value) => value !== undefined);
}

/** The release (the observation's canary side) against the previous release (its baseline side). */
function againstPrevious(observation: Observation, settings: AnalysisSettings, confidence: number): Judgment {
  // Each look is final: its budget is spent in full on what this look counted (never less than min-samples),
  // nothing is kept for a later look, and the verdict reads "N of N requests per side".
  const { baseline, canary } = observation;
  const analysis = createStepAnalysis({
    ...settings,
    confidence,
    maxSamples: Math.max(settings.minSamples, Math.min(baseline.latencyMs.length, canary.latencyMs.length)),
    maxRequests: Math.max(settings.minSamples, Math.min(baseline.requests, canary.requests)),
  });
  analysis.add(observation);
  return analysis.judge();
}

/** The release's own numbers against the limits set (`latency-p95`, `max-error-rate`). */
function againstLimits(
  observation: Observation,
  settings: AnalysisSettings,
): Omit<WatchJudgment, 'compared' | 'lookConfidence'> {
  const side = observation.canary;
  if (side.requests < settings.minSamples && side.latencyMs.length < settings.minSamples) {
    const verdict: Verdict = side.requests === 0 && side.latencyMs.length === 0 ? 'no-data' : 'continue';
    return {
      verdict,
      reason: `${side.requests} requests and ${side.latencyMs.length} latencies counted, ${settings.minSamples} needed before judging`,
      metrics: [],
      checks: [],
    };
  }
  const sorted = Float64Array.from(side.latencyMs).sort();
  const checks = [
    ...checkLatencyThresholds(sorted, settings.thresholds),
    ...(side.requests >= settings.minSamples
      ? [checkErrorRateThreshold(side.errors, side.requests, settings.thresholds)].filter(
          (check): check is ThresholdCheck => check !== undefined,
        )
      : []),
  ];
  const breached = checks.filter((check) => check.breached);
  if (breached.length > 0)
    return { verdict: 'fail', reason: breached.map((check) => check.reason).join('; '), metrics: [], checks };
  if (checks.length === 0)
    return {
      verdict: 'no-data',
      reason: 'no limit could be checked on what the source counted',
      metrics: [],
      checks,
    };
  return { verdict: 'pass', reason: checks.map((check) => check.reason).join('; '), metrics: [], checks };
}

export interface JudgeRequest {
  observation: Observation;
  compare: WatchCompare;
  settings: AnalysisSettings;
  /** Looks the window holds (looksIn). */
  looks: number;
  releaseVersion: string;
  previousVersion?: string;
}

export function judgeLook(request: JudgeRequest): WatchJudgment {
  const { observation, settings, releaseVersion, previousVersion } = request;
  const confidence = lookConfidence(settings.confidence, request.looks);
  const level = `${Number((confidence * 100).toPrecision(6))}%`;
  if (request.compare === 'previous') {
    if (previousVersion === undefined)
      throw new Error('judgeLook: compare previous needs a previous version');
    const judgment = againstPrevious(observation, settings, confidence);
    const limits = hasLimits(settings.thresholds) ? ' and the limits set' : '';
    return {
      ...judgment,
      compared: `${releaseVersion} against ${previousVersion}${limits}, at ${level} per look (${request.looks} looks in the window)`,
      checks: [],
      lookConfidence: confidence,
    };
  }
  const judged = againstLimits(observation, settings);
  return {
    ...judged,
    compared: `${releaseVersion} against the limits set`,
    lookConfidence: confidence,
  };
}
