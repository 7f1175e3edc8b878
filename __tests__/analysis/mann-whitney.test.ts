import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countDifferencesAtMost,
  hodgesLehmann,
  kthDifference,
  mannWhitney,
  sortedCopy,
} from '../../src/analysis/mann-whitney.js';

/** Brute force: every pairwise difference second − first, sorted. */
function allDifferences(first: number[], second: number[]): number[] {
  const out: number[] = [];
  for (const y of second) for (const x of first) out.push(y - x);
  return out.sort((a, b) => a - b);
}

/** Brute force U: pairs with y > x, ties a half. */
function bruteU(first: number[], second: number[]): number {
  let u = 0;
  for (const y of second) for (const x of first) u += y > x ? 1 : y === x ? 0.5 : 0;
  return u;
}

describe('Mann-Whitney U', () => {
  it('reproduces a published example with ties (ClickHouse 01560_mann_whitney, same as scipy): U = 223, p = 0.5427', () => {
    const first = [
      310, 195, 530, 155, 530, 245, 385, 450, 465, 545, 170, 180, 125, 180, 230, 75, 430, 480, 495, 295,
    ];
    const second = [
      116, 171, 176, 421, 111, 326, 481, 111, 346, 441, 261, 411, 206, 521, 456, 446, 296, 51, 426, 261,
    ];
    // U of the first sample is 223 (the second's is 400 − 223 = 177).
    const result = mannWhitney(second, first);
    expect(result.u).toBe(223);
    expect(mannWhitney(first, second).u).toBe(177);
    // Three tied pairs (530, 180 in the first; 111, 261 in the second): Σ(t³ − t) = 4 × 6.
    expect(result.tieTerm).toBe(24);
    // Two-sided, tie- and continuity-corrected normal approximation: 0.5426959774289482 published.
    expect(result.pTwoSided).toBeCloseTo(0.5426959774, 6);
  });

  it('reproduces Hollander & Wolfe’s example (R wilcox.test docs): W = 35 for x over y', () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const result = mannWhitney(y, x);
    expect(result.u).toBe(35);
    // No ties: σ = √(10·5·16/12); z = (35 − 25 − ½)/σ.
    expect(result.sdU).toBeCloseTo(Math.sqrt((10 * 5 * 16) / 12), 10);
    expect(result.zGreater).toBeCloseTo(9.5 / Math.sqrt(800 / 12), 10);
  });

  it('a constant sample (all ties) has no variance and gives z = 0, p = 1', () => {
    const result = mannWhitney([5, 5, 5, 5], [5, 5, 5]);
    expect(result.sdU).toBe(0);
    expect(result.zGreater).toBe(0);
    expect(result.pGreater).toBe(1);
    expect(result.pTwoSided).toBe(1);
  });

  it('two constant but different samples are maximally apart and still have a variance', () => {
    const result = mannWhitney([1, 1, 1, 1, 1], [2, 2, 2, 2, 2]);
    expect(result.u).toBe(25);
    expect(result.sdU).toBeGreaterThan(0);
    expect(result.pGreater).toBeLessThan(0.01);
  });

  it('U equals the brute-force pair count, with ties, shifts and any order (property)', () => {
    const sample = fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 25 });
    fc.assert(
      fc.property(sample, sample, fc.integer({ min: -3, max: 3 }), (first, second, shift) => {
        const result = mannWhitney(first, second, { shift });
        expect(result.u).toBe(
          bruteU(
            first,
            second.map((y) => y - shift),
          ),
        );
        expect(
          result.u +
            mannWhitney(
              second.map((y) => y - shift),
              first,
            ).u,
        ).toBe(first.length * second.length);
      }),
    );
  });
});

describe('Hodges-Lehmann shift', () => {
  it('a small set by hand: differences of {4, 6, 8} over {1, 2, 3} have median 4', () => {
    // Differences: 3 5 7 / 2 4 6 / 1 3 5 → sorted 1 2 3 3 4 5 5 6 7.
    expect(hodgesLehmann([1, 2, 3], [4, 6, 8], 0.95).estimate).toBe(4);
    // An even count averages the middle two: {10, 20} over {0, 1} → 9 10 19 20 → 14.5.
    expect(hodgesLehmann([0, 1], [10, 20], 0.95).estimate).toBe(14.5);
  });

  it('the interval takes the order statistics at n1·n2/2 ∓ z·√(n1·n2·(N+1)/12) (Hollander & Wolfe)', () => {
    const first = Array.from({ length: 10 }, (_, i) => i);
    const second = Array.from({ length: 12 }, (_, i) => 3 + i * 1.5);
    const d = allDifferences(first, second);
    const rank = Math.floor(60 - 1.959964 * Math.sqrt((120 * 23) / 12));
    const { interval } = hodgesLehmann(first, second, 0.95);
    expect(interval).toEqual([d[rank - 1], d[120 - rank]]);
  });

  it('is unbounded where the samples are too few for the confidence asked', () => {
    expect(hodgesLehmann([1, 2], [3, 4], 0.99).interval).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
  });

  it('the k-th difference equals the brute-force order statistic, ties included (property)', () => {
    const sample = fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(sample, sample, fc.double({ min: 0, max: 1, noNaN: true }), (first, second, where) => {
        const d = allDifferences(first, second);
        const k = 1 + Math.min(d.length - 1, Math.floor(where * d.length));
        expect(kthDifference(sortedCopy(first), sortedCopy(second), k)).toBe(d[k - 1]);
        const t = d[k - 1]!;
        expect(countDifferencesAtMost(sortedCopy(first), sortedCopy(second), t)).toBe(
          d.filter((x) => x <= t).length,
        );
      }),
    );
  });

  it('selects among 10⁶ real-valued differences exactly and fast (1000 per side)', () => {
    const first = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 100);
    const second = Array.from({ length: 1000 }, (_, i) => Math.cos(i * 1.3) * 80 + 5);
    const d = allDifferences(first, second);
    const started = performance.now();
    const shift = hodgesLehmann(first, second, 0.98);
    const ms = performance.now() - started;
    expect(shift.estimate).toBe((d[499_999]! + d[500_000]!) / 2);
    const rank = Math.floor(500_000 - 2.326348 * Math.sqrt((1e6 * 2001) / 12));
    expect(shift.interval[0]).toBe(d[rank - 1]);
    expect(shift.interval[1]).toBe(d[1e6 - rank]);
    expect(ms).toBeLessThan(50);
  });

  it('heavy ties (latencies rounded to 3 values, 1000 per side) stay exact and fast', () => {
    const first = Array.from({ length: 1000 }, (_, i) => 100 + (i % 3));
    const second = Array.from({ length: 1000 }, (_, i) => 100 + ((i * 7) % 3));
    const d = allDifferences(first, second);
    const started = performance.now();
    const shift = hodgesLehmann(first, second, 0.99);
    expect(performance.now() - started).toBeLessThan(50);
    expect(shift.estimate).toBe((d[499_999]! + d[500_000]!) / 2);
    const rank = Math.floor(500_000 - 2.575829 * Math.sqrt((1e6 * 2001) / 12));
    expect(shift.interval).toEqual([d[rank - 1], d[1e6 - rank]]);
  });

  it('on log latencies the shift is the ratio canary/baseline', () => {
    const baseline = [100, 120, 90, 150, 200, 80, 110];
    const canary = baseline.map((ms) => ms * 1.25);
    const shift = hodgesLehmann(baseline.map(Math.log), canary.map(Math.log), 0.9);
    expect(Math.exp(shift.estimate)).toBeCloseTo(1.25, 12);
  });
});
