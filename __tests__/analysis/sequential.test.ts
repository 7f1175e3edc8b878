import { describe, expect, it } from 'vitest';
import { Random } from '../../bench/random.js';
import {
  GroupSequentialBoundary,
  obrienFlemingSpending,
  powerSpending,
  SequentialTest,
  type SpendingFunction,
  withLinearStart,
} from '../../src/analysis/sequential.js';

/** The share of Brownian paths (under the null) that cross the boundaries at the given looks. */
function falseCrossings(
  alpha: number,
  spending: SpendingFunction,
  looks: number[],
  paths: number,
  seed: number,
): number {
  const random = new Random(seed);
  const boundaries = new GroupSequentialBoundary(alpha, spending);
  const bounds = looks.map((t) => boundaries.next(t).boundary);
  let crossed = 0;
  for (let p = 0; p < paths; p++) {
    let s = 0;
    let previous = 0;
    for (let k = 0; k < looks.length; k++) {
      const t = Math.min(1, looks[k]!);
      s += random.normal() * Math.sqrt(t - previous);
      previous = t;
      if (s / Math.sqrt(t) >= bounds[k]!) {
        crossed++;
        break;
      }
    }
  }
  return crossed / paths;
}

describe('group-sequential boundaries (Lan-DeMets α-spending)', () => {
  it("reproduces the published O'Brien-Fleming-type boundaries: 5 equal looks, one-sided α = 0.025", () => {
    // Jennison & Turnbull (2000) / gsDesign: 4.877, 3.357, 2.680, 2.290, 2.031.
    const boundaries = new GroupSequentialBoundary(0.025, obrienFlemingSpending);
    const values = [0.2, 0.4, 0.6, 0.8, 1].map((t) => boundaries.next(t).boundary);
    expect(values.map((b) => Number(b.toFixed(3)))).toEqual([4.877, 3.357, 2.68, 2.29, 2.031]);
  });

  it('one look at t = 1 is the fixed-size test, and the last look spends exactly α', () => {
    const single = new GroupSequentialBoundary(0.01, powerSpending(2)).next(1);
    expect(single.boundary).toBeCloseTo(2.326348, 5);
    expect(single.final).toBe(true);
    const many = new GroupSequentialBoundary(0.01, powerSpending(2));
    let last = many.next(0.1);
    for (let k = 2; k <= 10; k++) last = many.next(k / 10);
    expect(last.spent).toBeCloseTo(0.01, 12);
    expect(last.final).toBe(true);
    expect(last.boundary).toBeGreaterThan(2.326348);
  });

  it('an early look where spending is negligible has an infinite boundary', () => {
    const look = new GroupSequentialBoundary(0.005, obrienFlemingSpending).next(0.05);
    expect(look.boundary).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps the false-crossing rate at α with 50 equal looks (20 000 null paths)', () => {
    const looks = Array.from({ length: 50 }, (_, k) => (k + 1) / 50);
    for (const spending of [powerSpending(2), obrienFlemingSpending, powerSpending(1)]) {
      const rate = falseCrossings(0.01, spending, looks, 20_000, 11);
      // Binomial SE at 1% is 0.07%: allow 4 SE.
      expect(Math.abs(rate - 0.01)).toBeLessThan(0.003);
    }
  });

  it('keeps the rate at α with irregular looks, and below α when stopped before max-samples', () => {
    const irregular = [0.03, 0.05, 0.2, 0.21, 0.5, 0.52, 0.9, 1.4];
    expect(Math.abs(falseCrossings(0.02, powerSpending(2), irregular, 20_000, 5) - 0.02)).toBeLessThan(0.004);
    const stopped = [0.1, 0.2, 0.3, 0.4];
    expect(falseCrossings(0.02, powerSpending(2), stopped, 20_000, 6)).toBeLessThan(0.02 * 0.16 + 0.003);
  });

  it('refuses looks without new information and looks after the final one', () => {
    const boundaries = new GroupSequentialBoundary(0.01);
    boundaries.next(0.5);
    expect(() => boundaries.next(0.5)).toThrow(/growing information/);
    boundaries.next(1);
    expect(() => boundaries.next(1.2)).toThrow(/final look/);
    expect(() => new GroupSequentialBoundary(0)).toThrow(/alpha/);
  });
});

describe('sequential test', () => {
  it('is decided when z crosses, and keeps that decision', () => {
    const test = new SequentialTest(0.01, powerSpending(2));
    expect(test.look(0.2, 1).crossed).toBe(false);
    const crossing = test.look(0.4, 9);
    expect(crossing.crossed).toBe(true);
    expect(test.decided).toBe(crossing);
    expect(test.look(0.6, -3)).toBe(crossing);
    expect(test.canLook(0.8)).toBe(false);
  });

  it('is decided at the final look without crossing', () => {
    const test = new SequentialTest(0.01, powerSpending(2));
    test.look(0.5, 0);
    const final = test.look(1.3, 0.5);
    expect(final).toMatchObject({ crossed: false, final: true, t: 1 });
    expect(test.decided).toBe(final);
  });
});

describe('withLinearStart', () => {
  it('spends at least slope·α·t early, the base once it catches up, and never more than α', () => {
    const spending = withLinearStart(powerSpending(1.5), 0.35);
    const alpha = 0.006;
    expect(spending.spent(0, alpha)).toBe(0);
    // At the bench's first look (20 of 300 per side) the linear start rules: 0.35·t against t^1.5.
    expect(spending.spent(1 / 15, alpha)).toBeCloseTo(0.35 * alpha * (1 / 15), 12);
    expect(spending.spent(1 / 15, alpha)).toBeGreaterThan(powerSpending(1.5).spent(1 / 15, alpha));
    // From t = 0.35² on the base alone.
    for (const t of [0.1225, 0.2, 0.5, 0.9])
      expect(spending.spent(t, alpha)).toBe(powerSpending(1.5).spent(t, alpha));
    expect(spending.spent(1, alpha)).toBe(alpha);
    expect(spending.spent(2, alpha)).toBe(alpha);
    expect(spending.name).toBe('power family ρ=1.5, at least 0.35·α·t');
  });
});
