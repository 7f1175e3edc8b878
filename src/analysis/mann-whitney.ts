// The Mann-Whitney U test (Wilcoxon rank-sum) with tie and continuity corrections, and the Hodges-Lehmann
// shift with its distribution-free confidence interval. Latencies are skewed and heavy-tailed, so a rank
// test is the robust choice; on log latencies the Hodges-Lehmann shift is a ratio canary/baseline.
import { normalQuantile, normalSurvival } from './normal.js';

export interface MannWhitneyResult {
  n1: number;
  n2: number;
  /** U of the second sample: pairs (x, y) with y > x, ties counting a half. */
  u: number;
  /** E[U] = n1·n2/2 under the null. */
  meanU: number;
  /** √Var[U] under the null, corrected for ties (0 when every value is the same). */
  sdU: number;
  /** Σ (t³ − t) over groups of tied values: 0 without ties. */
  tieTerm: number;
  /** z for "the second sample is larger", continuity-corrected by ½. */
  zGreater: number;
  /** One-sided p-value for "the second sample is larger". */
  pGreater: number;
  /** z for the two-sided test, continuity-corrected toward zero. */
  z: number;
  pTwoSided: number;
}

export interface MannWhitneyOptions {
  /** Subtract this from every value of the second sample first: tests "y − shift > x". */
  shift?: number;
  /** Apply the ½ continuity correction (default true). */
  continuity?: boolean;
}

/** Ascending copy as a Float64Array (numeric sort, no comparator calls). */
export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * Mann-Whitney U of `second` against `first`, both sorted ascending (see sortedCopy). One merge pass ranks
 * both samples together, giving each group of tied values its average rank.
 */
export function mannWhitneySorted(
  first: Float64Array,
  second: Float64Array,
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const shift = options.shift ?? 0;
  const continuity = options.continuity ?? true;
  const n1 = first.length;
  const n2 = second.length;
  const n = n1 + n2;
  let i = 0;
  let j = 0;
  let rank = 0; // ranks used so far
  let rankSum2 = 0;
  let tieTerm = 0;
  while (i < n1 || j < n2) {
    const x = i < n1 ? first[i]! : Number.POSITIVE_INFINITY;
    const y = j < n2 ? second[j]! - shift : Number.POSITIVE_INFINITY;
    const value = x <= y ? x : y;
    let t1 = 0;
    let t2 = 0;
    while (i < n1 && first[i]! === value) {
      i++;
      t1++;
    }
    while (j < n2 && second[j]! - shift === value) {
      j++;
      t2++;
    }
    const t = t1 + t2;
    const averageRank = rank + (t + 1) / 2;
    rankSum2 += t2 * averageRank;
    rank += t;
    if (t > 1) tieTerm += t * t * t - t;
  }
  const u = rankSum2 - (n2 * (n2 + 1)) / 2;
  const meanU = (n1 * n2) / 2;
  const untied = ((n1 * n2) / 12) * (n + 1);
  const variance = n < 2 ? 0 : untied - ((n1 * n2) / 12) * (tieTerm / (n * (n - 1)));
  // All values equal: the tie term cancels the variance up to rounding, which must read as exactly 0.
  const sdU = variance > untied * 1e-12 ? Math.sqrt(variance) : 0;
  const half = continuity ? 0.5 : 0;
  const deviation = u - meanU;
  const zGreater = sdU > 0 ? (deviation - half) / sdU : 0;
  const z = sdU > 0 ? (Math.sign(deviation) * Math.max(0, Math.abs(deviation) - half)) / sdU : 0;
  return {
    n1,
    n2,
    u,
    meanU,
    sdU,
    tieTerm,
    zGreater,
    pGreater: sdU > 0 ? normalSurvival(zGreater) : 1,
    z,
    pTwoSided: sdU > 0 ? Math.min(1, 2 * normalSurvival(Math.abs(z))) : 1,
  };
}

/** Mann-Whitney U of `second` against `first` (any order). */
export function mannWhitney(
  first: readonly number[],
  second: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  return mannWhitneySorted(sortedCopy(first), sortedCopy(second), options);
}

// ---------------------------------------------------------------------------------------------------------
// Hodges-Lehmann

/** How many of the n1·n2 differences second[j] − first[i] are ≤ t (both sorted ascending); O(n1 + n2). */
export function countDifferencesAtMost(first: Float64Array, second: Float64Array, t: number): number {
  // For a larger second[j] fewer first[i] are close enough, so the cut i only moves up as j does.
  let count = 0;
  let i = 0;
  const n1 = first.length;
  for (let j = 0; j < second.length; j++) {
    const y = second[j]!;
    while (i < n1 && y - first[i]! > t) i++;
    count += n1 - i;
  }
  return count;
}

/**
 * The k-th smallest (1-based) of the n1·n2 differences second[j] − first[i], without building them: bisect
 * on the value with an O(n) count until at most a few thousand differences are left between the bounds,
 * then collect and sort just those. About 60 counts, so ~1e5 steps for 1000 per side instead of 1e6 values.
 */
export function kthDifference(first: Float64Array, second: Float64Array, k: number): number {
  const n1 = first.length;
  const n2 = second.length;
  const total = n1 * n2;
  if (total === 0) return Number.NaN;
  if (!(k >= 1 && k <= total)) throw new RangeError(`k must be in 1..${total}, got ${k}`);
  // Invariant: count(lo) < k ≤ count(hi).
  let lo = second[0]! - first[n1 - 1]!;
  let hi = second[n2 - 1]! - first[0]!;
  if (k === total) return hi;
  if (countDifferencesAtMost(first, second, lo) >= k) return lo;
  let below = countDifferencesAtMost(first, second, lo);
  let upTo = total;
  const small = Math.max(2048, n1 + n2);
  for (let step = 0; step < 2000 && upTo - below > small; step++) {
    const mid = lo + (hi - lo) / 2;
    // Adjacent floats: the k-th difference lies in (lo, hi], so it is hi (a run of ties).
    if (mid <= lo || mid >= hi) return hi;
    const count = countDifferencesAtMost(first, second, mid);
    if (count >= k) {
      hi = mid;
      upTo = count;
    } else {
      lo = mid;
      below = count;
    }
    // A run of tied differences: if the next difference above lo already reaches k, it is the answer
    // (without this, bisecting onto a tie at 0 would walk down through every subnormal float).
    const next = smallestDifferenceAbove(first, second, lo);
    if (next <= hi && countDifferencesAtMost(first, second, next) >= k) return next;
  }
  // Collect the differences in (lo, hi] and pick among them.
  const window = new Float64Array(upTo - below);
  let filled = 0;
  let start = 0; // first i with y − first[i] ≤ hi
  let end = 0; // first i with y − first[i] ≤ lo
  for (let j = 0; j < n2; j++) {
    const y = second[j]!;
    while (start < n1 && y - first[start]! > hi) start++;
    while (end < n1 && y - first[end]! > lo) end++;
    for (let i = start; i < end; i++) window[filled++] = y - first[i]!;
  }
  const picked = window.subarray(0, filled).sort();
  return picked[k - below - 1]!;
}

/** The smallest difference second[j] − first[i] greater than t (+Infinity if none); O(n1 + n2). */
function smallestDifferenceAbove(first: Float64Array, second: Float64Array, t: number): number {
  let smallest = Number.POSITIVE_INFINITY;
  let end = 0; // first i with y − first[i] ≤ t
  for (let j = 0; j < second.length; j++) {
    const y = second[j]!;
    while (end < first.length && y - first[end]! > t) end++;
    if (end > 0) smallest = Math.min(smallest, y - first[end - 1]!);
  }
  return smallest;
}

export interface ShiftEstimate {
  /** Median of the pairwise differences second − first. */
  estimate: number;
  /** Two-sided interval at `confidence`; ±Infinity where the samples are too small to bound it. */
  interval: [number, number];
  confidence: number;
}

/**
 * The Hodges-Lehmann shift of `second` over `first` (both sorted ascending) and its confidence interval from
 * the order statistics of the pairwise differences (Hollander & Wolfe, normal approximation for the rank).
 */
export function hodgesLehmannSorted(
  first: Float64Array,
  second: Float64Array,
  confidence: number,
): ShiftEstimate {
  const n1 = first.length;
  const n2 = second.length;
  const total = n1 * n2;
  if (total === 0) return { estimate: Number.NaN, interval: [Number.NaN, Number.NaN], confidence };
  const middle = (total + 1) / 2;
  const estimate =
    total % 2 === 1
      ? kthDifference(first, second, middle)
      : (kthDifference(first, second, Math.floor(middle)) + kthDifference(first, second, Math.ceil(middle))) /
        2;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const rank = Math.floor(total / 2 - z * Math.sqrt((total * (n1 + n2 + 1)) / 12));
  const interval: [number, number] =
    rank < 1
      ? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]
      : [kthDifference(first, second, rank), kthDifference(first, second, total + 1 - rank)];
  return { estimate, interval, confidence };
}

export function hodgesLehmann(
  first: readonly number[],
  second: readonly number[],
  confidence: number,
): ShiftEstimate {
  return hodgesLehmannSorted(sortedCopy(first), sortedCopy(second), confidence);
}
