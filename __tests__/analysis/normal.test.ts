import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalDensity, normalQuantile, normalSurvival } from '../../src/analysis/normal.js';

describe('standard normal', () => {
  it('matches published table values of Φ and its quantiles', () => {
    // Abramowitz & Stegun, table 26.1 / any z-table.
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.1586553, 6);
    expect(normalSurvival(3)).toBeCloseTo(0.0013499, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(normalDensity(0)).toBeCloseTo(0.3989423, 7);
  });

  it('keeps relative accuracy deep in the tail', () => {
    // 1 − Φ(6) = 9.8659e-10 and 1 − Φ(8) = 6.2210e-16.
    expect(normalSurvival(6) / 9.8659e-10).toBeCloseTo(1, 4);
    expect(normalSurvival(8) / 6.221e-16).toBeCloseTo(1, 3);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361341, 4);
  });

  it('edges: 0, 1 and NaN', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalCdf(Number.NaN)).toBeNaN();
  });

  it('Φ⁻¹ inverts Φ across (0, 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        const x = normalQuantile(p);
        const back = p < 0.5 ? normalCdf(x) : 1 - normalSurvival(x);
        expect(Math.abs(back - p)).toBeLessThanOrEqual(1e-7 * Math.min(p, 1 - p) + 1e-15);
      }),
    );
  });
});
