import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalSurvival } from '../../src/analysis/normal.js';
import { differenceInterval, twoProportionTest, wilsonInterval } from '../../src/analysis/proportions.js';

describe('two-proportion z-test', () => {
  it('reproduces the textbook pooled z: 140/200 vs 255/340 gives z = 1.266', () => {
    // Pooled p = 395/540 = 0.7315, SE = √(p(1−p)(1/200 + 1/340)) = 0.039494.
    const result = twoProportionTest({ events: 140, trials: 200 }, { events: 255, trials: 340 });
    expect(result.z).toBeCloseTo(1.266015, 5);
    expect(result.pValue).toBeCloseTo(normalSurvival(1.266015), 6);
    expect(result.difference).toBeCloseTo(0.05, 12);
  });

  it('without an allowance the Farrington-Manning z is the pooled z (property)', () => {
    const counts = fc.record({
      trials: fc.integer({ min: 1, max: 2000 }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(counts, counts, (b, c) => {
        const baseline = { trials: b.trials, events: Math.round(b.share * b.trials) };
        const canary = { trials: c.trials, events: Math.round(c.share * c.trials) };
        const p = (baseline.events + canary.events) / (baseline.trials + canary.trials);
        const se = Math.sqrt(p * (1 - p) * (1 / baseline.trials + 1 / canary.trials));
        const expected =
          se > 0 ? (canary.events / canary.trials - baseline.events / baseline.trials) / se : 0;
        expect(twoProportionTest(baseline, canary).z).toBeCloseTo(expected, 8);
      }),
    );
  });

  it('with an allowance, z is 0 where the canary sits exactly on the margin and grows beyond it', () => {
    const onMargin = twoProportionTest(
      { events: 20, trials: 1000 },
      { events: 22, trials: 1000 },
      { allowedIncrease: 0.1 },
    );
    expect(onMargin.margin).toBeCloseTo(1.1, 12);
    expect(onMargin.z).toBeCloseTo(0, 10);
    const beyond = twoProportionTest(
      { events: 20, trials: 1000 },
      { events: 40, trials: 1000 },
      { allowedIncrease: 0.1 },
    );
    const plain = twoProportionTest({ events: 20, trials: 1000 }, { events: 40, trials: 1000 });
    expect(beyond.z).toBeGreaterThan(1.5);
    expect(beyond.z).toBeLessThan(plain.z);
  });

  it('no errors on either side, or every request failed: nothing to compare (z = 0, p = 1)', () => {
    const none = twoProportionTest({ events: 0, trials: 500 }, { events: 0, trials: 500 });
    expect([none.z, none.pValue]).toEqual([0, 1]);
    expect(none.interval[0]).toBeLessThan(0);
    expect(none.interval[1]).toBeGreaterThan(0);
    const all = twoProportionTest({ events: 50, trials: 50 }, { events: 80, trials: 80 });
    expect([all.z, all.pValue]).toEqual([0, 1]);
  });

  it('a zero baseline still lets canary errors count', () => {
    const result = twoProportionTest({ events: 0, trials: 500 }, { events: 10, trials: 500 });
    expect(result.baselineRate).toBe(0);
    expect(result.z).toBeGreaterThan(3);
    expect(result.interval[0]).toBeGreaterThan(0);
  });

  it('rejects impossible counts, naming the side', () => {
    expect(() => twoProportionTest({ events: 3, trials: 2 }, { events: 0, trials: 5 })).toThrow(/baseline/);
    expect(() => twoProportionTest({ events: 0, trials: 5 }, { events: 0, trials: 0 })).toThrow(/canary/);
  });
});

describe('intervals', () => {
  it('Wilson score intervals match Newcombe (1998): 81/263 → 0.2553–0.3662; 0/10 → 0–0.2775', () => {
    const [lo, hi] = wilsonInterval(81, 263, 0.95);
    expect(lo).toBeCloseTo(0.2553, 4);
    expect(hi).toBeCloseTo(0.3662, 4);
    const [zeroLo, zeroHi] = wilsonInterval(0, 10, 0.95);
    expect(zeroLo).toBe(0);
    expect(zeroHi).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10, 0.95)[1]).toBe(1);
  });

  it('the hybrid score interval of a difference matches Newcombe (1998), method 10', () => {
    // 56/70 − 48/80: 0.0524 to 0.3339; 9/10 − 3/10: 0.1705 to 0.8090.
    const [a, b] = differenceInterval({ events: 48, trials: 80 }, { events: 56, trials: 70 }, 0.95);
    expect(a).toBeCloseTo(0.0524, 4);
    expect(b).toBeCloseTo(0.3339, 4);
    const [c, d] = differenceInterval({ events: 3, trials: 10 }, { events: 9, trials: 10 }, 0.95);
    expect(c).toBeCloseTo(0.1705, 4);
    expect(d).toBeCloseTo(0.809, 4);
  });

  it('always contains the observed difference and stays inside [−1, 1] (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n1, n2, s1, s2) => {
          const baseline = { trials: n1, events: Math.round(s1 * n1) };
          const canary = { trials: n2, events: Math.round(s2 * n2) };
          const [lo, hi] = differenceInterval(baseline, canary, 0.99);
          const d = canary.events / n2 - baseline.events / n1;
          expect(lo).toBeLessThanOrEqual(d + 1e-12);
          expect(hi).toBeGreaterThanOrEqual(d - 1e-12);
          expect(lo).toBeGreaterThanOrEqual(-1 - 1e-12);
          expect(hi).toBeLessThanOrEqual(1 + 1e-12);
        },
      ),
    );
  });
});
