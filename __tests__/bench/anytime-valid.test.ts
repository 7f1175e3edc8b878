import { describe, expect, it } from 'vitest';
import { ErrorRateEProcess, LatencyEProcess, MixtureEProcess } from '../../bench/anytime-valid.js';
import { Random } from '../../bench/random.js';
import { normalQuantile } from '../../src/analysis/normal.js';

/** The share of runs whose e-value reached 1/alpha at any of their looks (optional stopping at the first). */
function falseAlarms(runs: number, alpha: number, run: (random: Random) => { eValue: number }[]): number {
  let alarms = 0;
  for (let i = 0; i < runs; i++) {
    const random = new Random(31 * i + 7);
    if (run(random).some((look) => look.eValue >= 1 / alpha)) alarms++;
  }
  return alarms / runs;
}

/** Every look's e-value of one latency run: `looks` windows of the given sizes per side. */
function latencyRun(
  random: Random,
  looks: number,
  size: () => { baseline: number; canary: number },
  slowdown = 1,
  bucket: (ms: number) => number = (ms) => ms,
): { eValue: number }[] {
  const test = new LatencyEProcess();
  const out: { eValue: number }[] = [];
  for (let k = 0; k < looks; k++) {
    const { baseline, canary } = size();
    const draw = (count: number, median: number) =>
      Array.from({ length: count }, () => bucket(random.lognormal(median, 0.5)));
    test.add(draw(baseline, 100), draw(canary, 100 * slowdown));
    out.push({ eValue: test.eValue });
  }
  return out;
}

function errorRun(
  random: Random,
  looks: number,
  perSide: { baseline: number; canary: number },
  rates: { baseline: number; canary: number },
  allowedIncrease = 0,
): { eValue: number }[] {
  const test = new ErrorRateEProcess({ allowedIncrease });
  const out: { eValue: number }[] = [];
  for (let k = 0; k < looks; k++) {
    test.add({
      baseline: { requests: perSide.baseline, errors: random.binomial(perSide.baseline, rates.baseline) },
      canary: { requests: perSide.canary, errors: random.binomial(perSide.canary, rates.canary) },
    });
    out.push({ eValue: test.eValue });
  }
  return out;
}

describe('MixtureEProcess', () => {
  it('is the weighted mean of the components’ likelihood ratios, and its p-value uses the largest e so far', () => {
    const mixture = new MixtureEProcess([1, 3]);
    mixture.update((j) => (j === 0 ? Math.log(8) : Math.log(0.5)));
    expect(mixture.eValue).toBeCloseTo(0.25 * 8 + 0.75 * 0.5, 12);
    mixture.update((j) => (j === 0 ? Math.log(0.1) : Math.log(2)));
    expect(mixture.eValue).toBeCloseTo(0.25 * 0.8 + 0.75 * 1, 12);
    expect(mixture.pValue).toBeCloseTo(1 / 2.375, 12); // the first look's e was the largest
  });

  it('keeps its sums in the log domain: huge ratios do not overflow', () => {
    const mixture = new MixtureEProcess([1, 1]);
    mixture.update((j) => (j === 0 ? 2000 : 1990));
    expect(mixture.logE()).toBeCloseTo(2000 + Math.log(0.5 * (1 + Math.exp(-10))), 9);
  });

  it('rejects weights that are not a distribution', () => {
    expect(() => new MixtureEProcess([])).toThrow(RangeError);
    expect(() => new MixtureEProcess([1, -1])).toThrow(/weights/);
  });
});

describe('ErrorRateEProcess: where errors land, conditional on their number', () => {
  it('matches the likelihood ratio computed by hand over two windows of different splits', () => {
    const test = new ErrorRateEProcess({ grid: [2] });
    // Window 1: 100 per side, so an error is the canary's with 1/2 under the null and 2/3 at a doubled rate.
    test.add({ baseline: { requests: 100, errors: 1 }, canary: { requests: 100, errors: 3 } });
    const first = (4 / 3) ** 3 * (2 / 3);
    expect(test.eValue).toBeCloseTo(first, 12);
    // Window 2: 300 baseline, 100 canary: 1/4 under the null, 2/5 at a doubled rate.
    test.add({ baseline: { requests: 300, errors: 2 }, canary: { requests: 100, errors: 1 } });
    expect(test.eValue).toBeCloseTo(first * (0.4 / 0.25) * (0.6 / 0.75) ** 2, 12);
  });

  it('moves the null to (1 + allowed increase) × the baseline rate', () => {
    const test = new ErrorRateEProcess({ allowedIncrease: 0.5, grid: [2] });
    test.add({ baseline: { requests: 100, errors: 1 }, canary: { requests: 100, errors: 3 } });
    // Null share 1.5/2.5 = 0.6; the alternative (3× the baseline rate) 3/4.
    expect(test.eValue).toBeCloseTo((0.75 / 0.6) ** 3 * (0.25 / 0.4), 12);
  });

  it('ignores windows without errors or without one side', () => {
    const test = new ErrorRateEProcess();
    test.add({ baseline: { requests: 100, errors: 0 }, canary: { requests: 100, errors: 0 } });
    test.add({ baseline: { requests: 0, errors: 0 }, canary: { requests: 10, errors: 5 } });
    expect(test.eValue).toBe(1);
  });

  it('is a supermartingale under the null: its mean after 10 looks is at most 1', () => {
    const runs = 3000;
    let sum = 0;
    for (let i = 0; i < runs; i++)
      sum += errorRun(
        new Random(i + 1),
        10,
        { baseline: 40, canary: 20 },
        { baseline: 0.05, canary: 0.05 },
      ).at(-1)!.eValue;
    expect(sum / runs).toBeLessThan(1.05);
  });

  it('keeps false alarms ≤ α over 100 looks, at common rates from 0.1% to 20% and unequal splits', () => {
    for (const rate of [0.001, 0.05, 0.2]) {
      const share = falseAlarms(300, 0.05, (random) =>
        errorRun(random, 100, { baseline: 95, canary: 5 }, { baseline: rate, canary: rate }),
      );
      expect(share, `common rate ${rate}`).toBeLessThanOrEqual(0.05);
    }
  });

  it('keeps false alarms ≤ α when the canary is within its allowance (rate 1.5× with 50% allowed)', () => {
    const share = falseAlarms(300, 0.05, (random) =>
      errorRun(random, 50, { baseline: 20, canary: 20 }, { baseline: 0.04, canary: 0.06 }, 0.5),
    );
    expect(share).toBeLessThanOrEqual(0.05);
  });

  it('catches errors 0.1% → 10% within 250 requests per side in 95% of runs at α = 0.4%', () => {
    const caught = falseAlarms(300, 0.004, (random) =>
      errorRun(random, 25, { baseline: 10, canary: 10 }, { baseline: 0.001, canary: 0.1 }),
    );
    expect(caught).toBeGreaterThanOrEqual(0.95);
  });

  it('a canary with fewer errors drives the e-value down', () => {
    const looks = errorRun(new Random(3), 20, { baseline: 50, canary: 50 }, { baseline: 0.1, canary: 0.02 });
    expect(looks.at(-1)!.eValue).toBeLessThan(0.1);
  });
});

describe('LatencyEProcess: normal scores of pooled ranks, tilted toward the canary', () => {
  it('matches the likelihood ratio computed by hand for one request per side', () => {
    const test = new LatencyEProcess({ grid: [1] });
    test.add([10], [20]);
    // Midranks 1 and 2 of 2: scores Φ⁻¹(1/3) and Φ⁻¹(2/3); share 1/2; r = e^(s − 1/2).
    const s = normalQuantile(2 / 3);
    const rCanary = Math.exp(s - 0.5);
    const rBaseline = Math.exp(-s - 0.5);
    const expected = ((2 * rCanary) / (rCanary + 1)) * (2 / (rBaseline + 1));
    expect(test.eValue).toBeCloseTo(expected, 6);
  });

  it('gives ties one midrank: equal latencies on both sides carry no evidence at a 50/50 split', () => {
    const test = new LatencyEProcess({ grid: [0.5] });
    test.add([100, 100], [100, 100]);
    // Score 0 for all four: r = e^(−1/8) for each, the same for both sides. LR = (2r/(r+1))² (2/(r+1))².
    const r = Math.exp(-0.125);
    expect(test.eValue).toBeCloseTo(((2 * r) / (r + 1)) ** 2 * (2 / (r + 1)) ** 2, 6);
    expect(test.eValue).toBeLessThanOrEqual(1);
  });

  it('divides the allowance out of the canary: 10% slower with 10% allowed is the same as identical', () => {
    const withAllowance = new LatencyEProcess({ allowedIncrease: 0.1 });
    const identical = new LatencyEProcess();
    withAllowance.add([100, 200, 300], [165, 275, 440]);
    identical.add([100, 200, 300], [150, 250, 400]);
    expect(withAllowance.eValue).toBeCloseTo(identical.eValue, 9);
  });

  it('keeps false alarms ≤ α looking after every 5 requests per side, up to 500', () => {
    const share = falseAlarms(300, 0.05, (random) =>
      latencyRun(random, 100, () => ({ baseline: 5, canary: 5 })),
    );
    expect(share).toBeLessThanOrEqual(0.05);
  });

  it('keeps false alarms ≤ α at irregular looks, a 5% canary and Prometheus-like buckets (ties)', () => {
    const buckets = [25, 50, 75, 100, 150, 200, 300, 500, 1000, 2500];
    const bucket = (ms: number) => buckets.find((b) => ms <= b) ?? 5000;
    const share = falseAlarms(300, 0.05, (random) =>
      latencyRun(
        random,
        40,
        () => {
          const total = 1 + Math.floor(random.next() * 120);
          const canary = random.binomial(total, 0.05);
          return { baseline: total - canary, canary };
        },
        1,
        bucket,
      ),
    );
    expect(share).toBeLessThanOrEqual(0.05);
  });

  it('catches 2× slower by 40 requests per side in 95% of runs at α = 0.6%', () => {
    const caught = falseAlarms(300, 0.006, (random) =>
      latencyRun(random, 2, () => ({ baseline: 20, canary: 20 }), 2),
    );
    expect(caught).toBeGreaterThanOrEqual(0.95);
  });

  it('a faster canary drives the e-value down (one-sided)', () => {
    const looks = latencyRun(new Random(5), 10, () => ({ baseline: 20, canary: 20 }), 0.7);
    expect(looks.at(-1)!.eValue).toBeLessThan(0.05);
  });

  it('rejects a negative allowance or a non-positive shift', () => {
    expect(() => new LatencyEProcess({ allowedIncrease: -0.1 })).toThrow(/allowedIncrease must be ≥ 0/);
    expect(() => new LatencyEProcess({ grid: [0] })).toThrow(RangeError);
    expect(() => new ErrorRateEProcess({ grid: [1] })).toThrow(/> 1/);
  });
});
