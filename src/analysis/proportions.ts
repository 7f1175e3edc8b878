// Error rates: the two-proportion z-test of "the canary fails more often than the baseline allows", and a
// confidence interval of the difference of rates that behaves at 0 and 100% (Newcombe's hybrid score).
import { normalQuantile, normalSurvival } from './normal.js';

export interface Counts {
  /** Failed requests. */
  events: number;
  /** All requests. */
  trials: number;
}

export interface TwoProportionResult {
  baselineRate: number;
  canaryRate: number;
  /** canaryRate − baselineRate. */
  difference: number;
  /** The allowed ratio canary/baseline tested against: 1 + allowed increase. */
  margin: number;
  /**
   * z of "canary rate > margin × baseline rate". With margin 1 this is the textbook pooled z; otherwise the
   * variance is taken at the rates closest to the data that sit exactly on the margin (Farrington-Manning).
   * 0 when the variance is 0 (no errors on either side, or every request failed): nothing to compare.
   */
  z: number;
  /** One-sided p-value of z. */
  pValue: number;
  /** Two-sided interval of the difference at `confidence` (Newcombe's method 10). */
  interval: [number, number];
  confidence: number;
}

/** The Wilson score interval of a proportion: inside [0, 1] and sensible at 0 and n events. */
export function wilsonInterval(events: number, trials: number, confidence: number): [number, number] {
  if (trials <= 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = events / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or n events the bound is exactly 0 or 1; rounding would leave a hair off it.
  return [events === 0 ? 0 : Math.max(0, centre - half), events === trials ? 1 : Math.min(1, centre + half)];
}

/** Newcombe's hybrid score interval of canary − baseline, from the two Wilson intervals. */
export function differenceInterval(baseline: Counts, canary: Counts, confidence: number): [number, number] {
  const p1 = baseline.events / baseline.trials;
  const p2 = canary.events / canary.trials;
  const [l1, u1] = wilsonInterval(baseline.events, baseline.trials, confidence);
  const [l2, u2] = wilsonInterval(canary.events, canary.trials, confidence);
  const d = p2 - p1;
  return [d - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)];
}

/**
 * The baseline rate p̃ (with canary rate margin·p̃) that maximizes the likelihood of both counts: the root in
 * [0, 1/margin] of margin·N·p² − (n1 + margin·n2 + x2 + margin·x1)·p + (x1 + x2) = 0.
 */
function constrainedBaselineRate(baseline: Counts, canary: Counts, margin: number): number {
  const x1 = baseline.events;
  const x2 = canary.events;
  const n1 = baseline.trials;
  const n2 = canary.trials;
  if (margin === 1) return (x1 + x2) / (n1 + n2);
  const a = margin * (n1 + n2);
  const b = -(n1 + margin * n2 + x2 + margin * x1);
  const c = x1 + x2;
  const root = (-b - Math.sqrt(Math.max(0, b * b - 4 * a * c))) / (2 * a);
  return Math.min(Math.max(root, 0), 1 / margin);
}

export interface TwoProportionOptions {
  /** Relative increase of the canary's rate allowed over the baseline's: 0.1 = 10% more (default 0). */
  allowedIncrease?: number;
  /** For the interval (default 0.95). */
  confidence?: number;
}

/** The one-sided test of the canary's error rate against the baseline's; both sides need trials > 0. */
export function twoProportionTest(
  baseline: Counts,
  canary: Counts,
  options: TwoProportionOptions = {},
): TwoProportionResult {
  for (const [side, counts] of [
    ['baseline', baseline],
    ['canary', canary],
  ] as const) {
    if (!(counts.trials > 0 && counts.events >= 0 && counts.events <= counts.trials))
      throw new RangeError(
        `${side}: need 0 ≤ events ≤ trials and trials > 0, got ${counts.events}/${counts.trials}`,
      );
  }
  const margin = 1 + (options.allowedIncrease ?? 0);
  const confidence = options.confidence ?? 0.95;
  const baselineRate = baseline.events / baseline.trials;
  const canaryRate = canary.events / canary.trials;
  const pb = constrainedBaselineRate(baseline, canary, margin);
  const pc = Math.min(1, margin * pb);
  const variance = (margin * margin * pb * (1 - pb)) / baseline.trials + (pc * (1 - pc)) / canary.trials;
  const excess = canaryRate - margin * baselineRate;
  const z = variance > 0 ? excess / Math.sqrt(variance) : 0;
  return {
    baselineRate,
    canaryRate,
    difference: canaryRate - baselineRate,
    margin,
    z,
    pValue: variance > 0 ? normalSurvival(z) : 1,
    interval: differenceInterval(baseline, canary, confidence),
    confidence,
  };
}
