// Anytime-valid tests of "the canary is worse": an e-process per metric that may be read after every
// request, at any moment a metrics provider answers, with no plan of looks and no max-samples, and still
// falsely aborts at most α over all looks (Ville's inequality: a test martingale reaches 1/α with
// probability ≤ α). After Lindon, Sanden & Shirikian, "Rapid Regression Detection in Software Deployments
// through Sequential Testing" (KDD 2022) and Lindon & Malek, "Anytime-Valid Inference for Multinomial Count
// Data" (NeurIPS 2022): both sides are counting processes, and conditional on an event having happened,
// which side it happened on is a Bernoulli draw whose null probability is known, so a likelihood ratio
// over those draws is a test martingale under the null however the traffic rate varies over time.
//
//   counts (error rate)  each error lands on the canary with probability π₀ = ρ₀·n_c/(ρ₀·n_c + n_b) in a
//        window of n_b baseline and n_c canary requests when the canary's rate is at most ρ₀ (1 + the
//        allowed increase) times the baseline's. The alternative ρ = ρ₀·g (g > 1) gives π = ρ·n_c/(ρ·n_c +
//        n_b); the e-value is a mixture over a grid of g with fixed weights (a discrete prior: the rollout's
//        split changes from look to look, so a Beta prior is no longer conjugate, and a mixture of test
//        martingales with fixed weights is one). Conditional on a window's total errors, the canary's are
//        hypergeometric under equal binomial rates and the likelihood ratio is convex in them, so by
//        Hoeffding (1963) its expectation is at most the binomial one, 1: exact, not asymptotic.
//   distribution (latency)  each request lands on the canary with probability π = the window's canary
//        share when both versions have the same latency distribution (allowed increase divided out of the
//        canary's). Given the latencies, the alternative "canary stochastically slower" tilts that
//        probability by the density ratio exp(β·s − β²/2) of a shift β in normal scores s = Φ⁻¹(midrank /
//        (N+1)) of all latencies seen (both sides, labels ignored, so under the null they carry nothing
//        about the labels); Prometheus buckets are ties and share a midrank, which is Lindon et al.'s
//        binned test of stochastic order in rank form. The e-value mixes β over a grid.
// The share π is the window's observed canary share, the allocation Lindon et al. take as known; with
// counts fixed per window that is an approximation, measured (__tests__/bench/anytime-valid.test.ts,
// bench/canary-analysis.bench.ts) to keep the false-abort rate under α.
//
// Measured beside ours (the spending functions of src/analysis/sequential.ts) by the canary bench and not
// shipped: at the same α they catch less by max-samples, and ours, which spends on the information actually
// reached, needs no plan of looks either, only a max-samples near what a hold brings (docs/BENCHMARKS.md).
import { normalQuantile } from '../src/analysis/normal.js';

/** A mixture of test martingales: ln of each component's likelihood ratio, and fixed prior weights. */
export class MixtureEProcess {
  private readonly logRatios: Float64Array;
  private readonly logWeights: Float64Array;
  private best = 0;

  constructor(weights: readonly number[]) {
    const total = weights.reduce((sum, w) => sum + w, 0);
    if (!(weights.length > 0 && weights.every((w) => w >= 0) && total > 0))
      throw new RangeError('mixture weights must be ≥ 0 with a positive sum');
    this.logWeights = Float64Array.from(weights, (w) => Math.log(w / total));
    this.logRatios = new Float64Array(weights.length);
  }

  /** Multiplies component j's likelihood ratio by exp(logRatio(j)). */
  update(logRatio: (component: number) => number): void {
    for (let j = 0; j < this.logRatios.length; j++) this.logRatios[j]! += logRatio(j);
    this.best = Math.max(this.best, this.logE());
  }

  /** ln of the e-value now: ln Σ w_j·LR_j (log-sum-exp). */
  logE(): number {
    let top = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < this.logRatios.length; j++)
      top = Math.max(top, this.logWeights[j]! + this.logRatios[j]!);
    let sum = 0;
    for (let j = 0; j < this.logRatios.length; j++)
      sum += Math.exp(this.logWeights[j]! + this.logRatios[j]! - top);
    return top + Math.log(sum);
  }

  get eValue(): number {
    return Math.exp(this.logE());
  }

  /** The always-valid p-value: 1 over the largest e-value so far (at most 1). */
  get pValue(): number {
    return Math.min(1, Math.exp(-this.best));
  }
}

/** Rate ratios over ρ₀ the error test mixes over (uniform weights): from a 50% rise to 64 times. */
const DEFAULT_RATE_GRID: readonly number[] = [1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];

/** Shifts in normal scores the latency test mixes over (uniform weights). */
const DEFAULT_SHIFT_GRID: readonly number[] = [0.15, 0.25, 0.35, 0.5, 0.7, 1, 1.4];

interface CountsWindow {
  baseline: { requests: number; errors: number };
  canary: { requests: number; errors: number };
}

/** The anytime-valid test that the canary's error rate exceeds (1 + allowedIncrease) × the baseline's. */
export class ErrorRateEProcess {
  private readonly mixture: MixtureEProcess;
  private readonly nullRatio: number;
  private readonly grid: readonly number[];

  constructor(
    options: { allowedIncrease?: number; grid?: readonly number[]; weights?: readonly number[] } = {},
  ) {
    this.nullRatio = 1 + (options.allowedIncrease ?? 0);
    if (!(this.nullRatio >= 1 && Number.isFinite(this.nullRatio)))
      throw new RangeError(`allowedIncrease must be ≥ 0, got ${options.allowedIncrease}`);
    this.grid = options.grid ?? DEFAULT_RATE_GRID;
    if (!this.grid.every((g) => g > 1)) throw new RangeError('rate grid values must be > 1');
    this.mixture = new MixtureEProcess(options.weights ?? this.grid.map(() => 1));
  }

  add(window: CountsWindow): void {
    const nb = window.baseline.requests;
    const nc = window.canary.requests;
    const xb = window.baseline.errors;
    const xc = window.canary.errors;
    // A window without both sides, or without errors, says nothing about where errors land.
    if (!(nb > 0 && nc > 0) || xb + xc === 0) return;
    const share = (ratio: number) => (ratio * nc) / (ratio * nc + nb);
    const p0 = share(this.nullRatio);
    this.mixture.update((j) => {
      const p = share(this.nullRatio * this.grid[j]!);
      return xc * Math.log(p / p0) + xb * Math.log((1 - p) / (1 - p0));
    });
  }

  get eValue(): number {
    return this.mixture.eValue;
  }

  get pValue(): number {
    return this.mixture.pValue;
  }
}

/** Index of the first value > x (upper bound) or ≥ x (lower bound) in a sorted array. */
function bound(sorted: Float64Array, x: number, upper: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (upper ? sorted[mid]! <= x : sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The anytime-valid test that the canary's latencies are stochastically larger than allowed. */
export class LatencyEProcess {
  private readonly mixture: MixtureEProcess;
  private readonly grid: readonly number[];
  private readonly logAllowed: number;
  /** Every log latency seen so far, both sides (the canary's with the allowance divided out), sorted. */
  private pooled = new Float64Array(0);

  constructor(
    options: { allowedIncrease?: number; grid?: readonly number[]; weights?: readonly number[] } = {},
  ) {
    const allowed = 1 + (options.allowedIncrease ?? 0);
    if (!(allowed >= 1 && Number.isFinite(allowed)))
      throw new RangeError(`allowedIncrease must be ≥ 0, got ${options.allowedIncrease}`);
    this.logAllowed = Math.log(allowed);
    this.grid = options.grid ?? DEFAULT_SHIFT_GRID;
    if (!this.grid.every((b) => b > 0)) throw new RangeError('shift grid values must be > 0');
    this.mixture = new MixtureEProcess(options.weights ?? this.grid.map(() => 1));
  }

  /** One window's latencies in ms (any look, any sizes); values ≤ 0 or not finite are left out. */
  add(baselineMs: readonly number[], canaryMs: readonly number[]): void {
    const logs = (values: readonly number[], offset: number) =>
      values.filter((v) => Number.isFinite(v) && v > 0).map((v) => Math.log(v) - offset);
    const baseline = logs(baselineMs, 0);
    const canary = logs(canaryMs, this.logAllowed);
    if (baseline.length === 0 || canary.length === 0) return;
    const merged = new Float64Array(this.pooled.length + baseline.length + canary.length);
    merged.set(this.pooled);
    merged.set(baseline, this.pooled.length);
    merged.set(canary, this.pooled.length + baseline.length);
    merged.sort();
    this.pooled = merged;
    const total = merged.length;
    const score = (x: number) => {
      const midrank = (bound(merged, x, false) + bound(merged, x, true) + 1) / 2;
      return normalQuantile(midrank / (total + 1));
    };
    const share = canary.length / (canary.length + baseline.length);
    const canaryScores = canary.map(score);
    const baselineScores = baseline.map(score);
    const odds = share / (1 - share);
    // ln of the Bernoulli likelihood ratio of one request's side: θ = π·r/(π·r + 1 − π), r = e^(βs − β²/2).
    const logRatio = (beta: number, s: number, onCanary: boolean) => {
      const logR = beta * s - (beta * beta) / 2;
      // ln(θ/π) = ln r − ln(π·r + 1 − π); ln((1 − θ)/(1 − π)) = −ln(π·r + 1 − π).
      const logDenominator = Math.log(share) + logR + Math.log1p(Math.exp(-logR) / odds);
      return (onCanary ? logR : 0) - logDenominator;
    };
    this.mixture.update((j) => {
      const beta = this.grid[j]!;
      let sum = 0;
      for (const s of canaryScores) sum += logRatio(beta, s, true);
      for (const s of baselineScores) sum += logRatio(beta, s, false);
      return sum;
    });
  }

  get eValue(): number {
    return this.mixture.eValue;
  }

  get pValue(): number {
    return this.mixture.pValue;
  }
}
