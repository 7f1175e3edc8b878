// The sequential test: judge at every look and still keep the false-abort rate at α = 1 − confidence.
//
// Why a group-sequential boundary with Lan-DeMets α-spending (and not a mixture SPRT or an always-valid
// p-value): both statistics here, the Mann-Whitney z and the two-proportion z, are asymptotically Brownian
// in information time, and a spending function bounded by max-samples uses the whole α by that size, where
// a step has to decide anyway; an always-valid test guards every look up to an unbounded horizon and pays
// for it with higher boundaries at every size, so it catches less by max-samples (measured: the e-processes
// of bench/anytime-valid.ts, after Lindon et al. KDD 2022, catch 50% / 13% / 42% where this catches 64% /
// 35% / 62%, docs/BENCHMARKS.md). Spending is taken on the actual information fraction t of each look, so
// looks may come at any, irregular, sizes; after the final look the test is decided.
// The shapes are Kim-DeMets' power family α·t^ρ, between Pocock's even spending (ρ = 1) and O'Brien-
// Fleming's (nothing early); step-analysis.ts picks ρ per comparison. Measured by
// bench/canary-analysis.bench.ts (500 analyses each, α = 0.6% for latency and 0.4% for error rates, the
// default split, a look every 20 per side):
//   latency, caught 30% slower within 100 / 10% slower within 300 of 300 samples: O'Brien-Fleming-type
//   15% / 40%, ρ=1 63% / 33%, ρ=1.5 60% / 36%, ρ=2 56% / 37%, ρ=3 47% / 40% (the best one-look 1% test:
//   92% / 50%). ρ = 1.5 keeps both near two thirds of the best: a gross regression is stopped early and
//   a subtle one keeps most of the power. Its first looks spend at least 0.35·α·t (withLinearStart), which
//   stops half of 2× regressions at the first look and leaves the later looks as they were.
//   error rate, caught 0.1% → 2% within 500 requests / median requests to catch 0.1% → 10%: O'Brien-
//   Fleming-type 55% / 200, ρ=1 34% / 120, ρ=1.5 46% / 120, ρ=2 47% / 140, ρ=3 50% / 160, ρ=3.5 55% /
//   160, ρ=4 55% / 160 (the pooled z at one look at 1%: 84%). Rare errors give early looks too few events
//   to reject on, so α spent early is wasted; ρ = 3.5 keeps as much late power as O'Brien-Fleming's and
//   still stops a gross rise early.
//
// The boundary at each look is exact for the looks actually taken: the density of the score S = Z·√t on
// the paths not yet stopped is carried from look to look by numerical integration (Armitage, McPherson &
// Rowe 1969), and each boundary is solved so the probability of first crossing there is the α it may spend.
import { normalDensity, normalQuantile, normalSurvival } from './normal.js';

/** Cumulative α that may be spent by information fraction t (0 at 0, α at 1, nondecreasing). */
export interface SpendingFunction {
  /** Names the function and its parameters uniquely: computed boundaries are cached by it. */
  readonly name: string;
  spent(t: number, alpha: number): number;
}

/** Lan-DeMets' O'Brien-Fleming-type spending: α(t) = 2 − 2Φ(z_{1−α/2} / √t). */
export const obrienFlemingSpending: SpendingFunction = {
  name: "O'Brien-Fleming-type (Lan-DeMets)",
  spent(t, alpha) {
    if (t <= 0) return 0;
    if (t >= 1) return alpha;
    return 2 * normalSurvival(normalQuantile(1 - alpha / 2) / Math.sqrt(t));
  },
};

/** Kim-DeMets' power family α·t^ρ: ρ = 1 spends evenly (Pocock-like), ρ = 3 is close to O'Brien-Fleming. */
export function powerSpending(rho: number): SpendingFunction {
  return {
    name: `power family ρ=${rho}`,
    spent(t, alpha) {
      if (t <= 0) return 0;
      return alpha * Math.min(1, t) ** rho;
    },
  };
}

/**
 * `base`, but at least α·slope·t early on: a linear (Pocock-like) start under a steeper family. Spending
 * more at the first looks stops a gross regression there, and once the base catches up (t ≥ slope² for
 * ρ = 1.5) the cumulative spending is the base's, so the later looks, and the power they carry, are unchanged.
 */
export function withLinearStart(base: SpendingFunction, slope: number): SpendingFunction {
  return {
    name: `${base.name}, at least ${slope}·α·t`,
    spent(t, alpha) {
      if (t <= 0) return 0;
      return Math.min(alpha, Math.max(base.spent(t, alpha), slope * alpha * Math.min(1, t)));
    },
  };
}

export interface BoundaryLook {
  /** 1-based. */
  index: number;
  /** Information fraction of this look, capped at 1. */
  t: number;
  /** Reject (abort) when z ≥ boundary; +Infinity when nothing may be spent here. */
  boundary: number;
  /** α spent up to and including this look. */
  spent: number;
  /** The look that spends the rest of α: later looks cannot be tested. */
  final: boolean;
}

interface CachedState {
  look: BoundaryLook;
  points: Float64Array;
  masses: Float64Array;
}

/**
 * Boundaries depend only on α, the spending and the information fractions of the looks, and rollouts (and
 * simulations) repeat the same schedules, so computed looks are kept, least recently used dropped first.
 * States are never changed after they are made, so sharing them is safe.
 */
const CACHE = new Map<string, CachedState>();
const CACHE_SIZE = 512;

const TAIL = 8.5; // standard deviations kept below the mean: the mass beyond is < 1e-16
const MAX_GRID = 3000;

/**
 * One-sided efficacy boundaries for looks at increasing information fractions. Call `next(t)` once per
 * look, in order; after the final look (t ≥ 1) no more looks are allowed.
 */
export class GroupSequentialBoundary {
  private readonly looks: BoundaryLook[] = [];
  /** Grid of S values of the continuing paths and the probability mass at each. */
  private points: Float64Array = new Float64Array(0);
  private masses: Float64Array = new Float64Array(0);
  private lastT = 0;
  private spentSoFar = 0;
  /** Identifies α, the spending and the looks so far, for the cache. */
  private key: string;

  constructor(
    readonly alpha: number,
    readonly spending: SpendingFunction = obrienFlemingSpending,
  ) {
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
    this.key = `${alpha}|${spending.name}`;
  }

  get history(): readonly BoundaryLook[] {
    return this.looks;
  }

  get finished(): boolean {
    return this.looks.at(-1)?.final ?? false;
  }

  /** The information fraction of the last look (0 before any). */
  get lastFraction(): number {
    return this.lastT;
  }

  next(fraction: number): BoundaryLook {
    if (this.finished) throw new Error('sequential boundary: the final look was taken already');
    if (!(fraction > this.lastT)) {
      throw new RangeError(
        `sequential boundary: looks need growing information, got ${fraction} after ${this.lastT}`,
      );
    }
    const final = fraction >= 1 - 1e-12;
    const t = Math.min(1, fraction);
    const key = `${this.key}|${t.toPrecision(15)}`;
    const cached = CACHE.get(key);
    if (cached) {
      CACHE.delete(key); // most recently used goes last
      CACHE.set(key, cached);
      this.adopt(key, cached);
      return cached.look;
    }
    const cumulative = final ? this.alpha : Math.min(this.alpha, this.spending.spent(t, this.alpha));
    const target = Math.max(0, cumulative - this.spentSoFar);
    let boundary: number;
    if (target <= 1e-15) boundary = Number.POSITIVE_INFINITY;
    else if (this.looks.length === 0) boundary = -normalQuantile(target);
    else boundary = this.solve(t, Math.sqrt(t - this.lastT), target) / Math.sqrt(t);

    const spent = Math.min(this.alpha, this.spentSoFar + target);
    const look: BoundaryLook = { index: this.looks.length + 1, t, boundary, spent, final };
    const state: CachedState = { look, points: this.points, masses: this.masses };
    if (!final) Object.assign(state, this.carry(t, t - this.lastT, boundary, this.looks.length === 0));
    CACHE.set(key, state);
    if (CACHE.size > CACHE_SIZE) CACHE.delete(CACHE.keys().next().value!);
    this.adopt(key, state);
    return look;
  }

  private adopt(key: string, state: CachedState): void {
    this.key = key;
    this.looks.push(state.look);
    this.points = state.points;
    this.masses = state.masses;
    this.spentSoFar = state.look.spent;
    this.lastT = state.look.t;
  }

  /**
   * The boundary c on the S scale where the continuing paths first cross with probability `target`: Newton
   * on log P(cross | c), kept inside a bisection bracket. About five passes over the grid.
   */
  private solve(t: number, sd: number, target: number): number {
    const logTarget = Math.log(target);
    const evaluate = (c: number): { p: number; density: number } => {
      let p = 0;
      let density = 0;
      for (let i = 0; i < this.points.length; i++) {
        const u = (c - this.points[i]!) / sd;
        p += this.masses[i]! * normalSurvival(u);
        density += this.masses[i]! * normalDensity(u);
      }
      return { p, density: density / sd };
    };
    let lo = -TAIL * Math.sqrt(t);
    let hi = (TAIL + 4) * Math.sqrt(t);
    if (evaluate(lo).p <= target) return lo; // everything left may be spent: nothing realistic gets past
    let c = Math.min(hi, Math.max(lo, -normalQuantile(target) * Math.sqrt(t)));
    for (let step = 0; step < 100; step++) {
      const { p, density } = evaluate(c);
      if (p > target) lo = c;
      else hi = c;
      // d/dc log p = −density/p; a Newton step on log p − log target.
      const next = p > 0 && density > 0 ? c + ((Math.log(p) - logTarget) * p) / density : Number.NaN;
      const candidate = next > lo && next < hi ? next : (lo + hi) / 2;
      if (Math.abs(candidate - c) < 1e-10 || hi - lo < 1e-10) return candidate;
      c = candidate;
    }
    return c;
  }

  /** The density of S on the continuing paths after a look at t with the given boundary. */
  private carry(
    t: number,
    delta: number,
    boundary: number,
    first: boolean,
  ): { points: Float64Array; masses: Float64Array } {
    const sdT = Math.sqrt(t);
    const low = -TAIL * sdT;
    const high = Number.isFinite(boundary) ? Math.max(low + 1e-9, boundary * sdT) : TAIL * sdT;
    const sd = Math.sqrt(delta);
    const step = Math.min(sd / 4, 0.05);
    const intervals = Math.max(16, Math.min(MAX_GRID, Math.ceil((high - low) / step)));
    const h = (high - low) / intervals;
    const points = new Float64Array(intervals + 1);
    const masses = new Float64Array(intervals + 1);
    for (let j = 0; j <= intervals; j++) {
      const y = low + j * h;
      points[j] = y;
      let density: number;
      if (first) {
        density = normalDensity(y / sdT) / sdT;
      } else {
        density = 0;
        const reach = TAIL * sd;
        for (let i = 0; i < this.points.length; i++) {
          const gap = y - this.points[i]!;
          if (gap > reach || gap < -reach) continue;
          density += this.masses[i]! * normalDensity(gap / sd);
        }
        density /= sd;
      }
      masses[j] = density * h * (j === 0 || j === intervals ? 0.5 : 1);
    }
    return { points, masses };
  }
}

export interface SequentialLook extends BoundaryLook {
  z: number;
  /** z ≥ boundary at this look. */
  crossed: boolean;
}

/**
 * A one-sided sequential test: feed (information fraction, z) at each look; it says whether z crossed the
 * boundary that keeps the overall false-rejection rate at α. Once crossed, or after the final look, it is
 * decided and further looks return that decision unchanged.
 */
export class SequentialTest {
  private readonly boundaries: GroupSequentialBoundary;
  private decision: SequentialLook | undefined;
  private last: SequentialLook | undefined;

  constructor(alpha: number, spending: SpendingFunction = obrienFlemingSpending) {
    this.boundaries = new GroupSequentialBoundary(alpha, spending);
  }

  get alpha(): number {
    return this.boundaries.alpha;
  }

  get spending(): SpendingFunction {
    return this.boundaries.spending;
  }

  /** The deciding look (crossed, or final), once there is one. */
  get decided(): SequentialLook | undefined {
    return this.decision;
  }

  get lastLook(): SequentialLook | undefined {
    return this.last;
  }

  /** True when a look at this fraction would be a new look (more information than the last). */
  canLook(fraction: number): boolean {
    return this.decision === undefined && fraction > this.boundaries.lastFraction;
  }

  look(fraction: number, z: number): SequentialLook {
    if (this.decision) return this.decision;
    const boundary = this.boundaries.next(fraction);
    const crossed = Number.isFinite(z) && z >= boundary.boundary;
    const look: SequentialLook = { ...boundary, z, crossed };
    this.last = look;
    if (crossed || look.final) this.decision = look;
    return look;
  }
}
