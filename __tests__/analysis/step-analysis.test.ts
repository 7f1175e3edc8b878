import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../bench/random.js';
import { obrienFlemingSpending } from '../../src/analysis/sequential.js';
import {
  combine,
  createStepAnalysis,
  DEFAULT_ERROR_RATE_SHARE,
  resolveSettings,
} from '../../src/analysis/step-analysis.js';
import type { AnalysisSettings, MetricJudgment, StepAnalysis } from '../../src/analysis/types.js';
import type { Observation } from '../../src/metrics/types.js';

const SETTINGS: AnalysisSettings = {
  confidence: 0.99,
  allowedIncrease: { latency: 0.1, errorRate: 0.1 },
  thresholds: {},
  minSamples: 20,
  maxSamples: 200,
};

function observation(baseline: number[], canary: number[], errors: [number, number] = [0, 0]): Observation {
  return {
    baseline: { latencyMs: baseline, requests: baseline.length, errors: errors[0] },
    canary: { latencyMs: canary, requests: canary.length, errors: errors[1] },
    notes: [],
  };
}

function lognormals(random: Random, count: number, median: number): number[] {
  return Array.from({ length: count }, () => random.lognormal(median, 0.5));
}

function metric(analysis: StepAnalysis, name: MetricJudgment['metric']): MetricJudgment {
  return analysis.judge().metrics.find((m) => m.metric === name)!;
}

describe('step analysis', () => {
  it('says no-data before anything arrives, and names the silent side', () => {
    const analysis = createStepAnalysis(SETTINGS);
    expect(analysis.judge()).toMatchObject({
      verdict: 'no-data',
      reason: 'no observations from either side yet',
    });
    analysis.add(observation([100, 110, 120], []));
    const judgment = analysis.judge();
    expect(judgment.verdict).toBe('no-data');
    expect(metric(analysis, 'latency').reason).toBe(
      'no latency observations from the canary (the baseline has 3)',
    );
    expect(metric(analysis, 'error-rate').reason).toBe(
      'no requests counted for the canary (the baseline has 3)',
    );
  });

  it('leaves an infinite boundary and an unbounded interval out of the statistic, so the report is valid JSON', () => {
    const random = new Random(9);
    // O'Brien-Fleming-type spending spends nothing at all this early.
    const analysis = createStepAnalysis(
      { ...SETTINGS, minSamples: 2, maxSamples: 1000 },
      { spending: { latency: obrienFlemingSpending } },
    );
    analysis.add(observation(lognormals(random, 3, 100), lognormals(random, 3, 100)));
    const latency = metric(analysis, 'latency');
    expect(latency.reason).toMatch(/99% CI unbounded/);
    expect(latency.reason).toMatch(/boundary ∞ \(nothing spent yet\)/);
    expect(latency.statistic).not.toHaveProperty('boundary');
    expect(latency.statistic).not.toHaveProperty('interval');
    expect(JSON.parse(JSON.stringify(analysis.judge()))).toEqual(analysis.judge());
  });

  it('a silent baseline does not hide a canary breaking an absolute threshold', () => {
    const analysis = createStepAnalysis({
      ...SETTINGS,
      thresholds: { latencyP99Ms: 100, maxErrorRate: 0.05 },
    });
    const slow = Array.from({ length: 20 }, (_, i) => 150 + i);
    analysis.add({
      baseline: { latencyMs: [], requests: 0, errors: 0 },
      canary: { latencyMs: slow, requests: 20, errors: 4 },
      notes: [],
    });
    const judgment = analysis.judge();
    expect(judgment.verdict).toBe('fail');
    expect(metric(analysis, 'latency').reason).toBe(
      'canary p99 169 ms > 100 ms (threshold); no latency observations from the baseline (the canary has 20)',
    );
    expect(metric(analysis, 'error-rate').reason).toBe(
      'canary error rate 20.0% (4/20) > 5.0% (threshold); no requests counted for the baseline (the canary has 20)',
    );
  });

  it('continues below min-samples, saying how many are needed', () => {
    const analysis = createStepAnalysis(SETTINGS);
    analysis.add(observation([100, 101, 102], [300, 301, 302]));
    const latency = metric(analysis, 'latency');
    expect(latency.verdict).toBe('continue');
    expect(latency.reason).toMatch(/3 baseline and 3 canary samples, 20 per side needed before comparing/);
  });

  it('is inconclusive when one side reached max-samples and the other is still short of min-samples', () => {
    const analysis = createStepAnalysis(SETTINGS);
    const many = Array.from({ length: 200 }, (_, i) => 100 + (i % 17));
    analysis.add(observation(many, many.slice(0, 12)));
    const latency = metric(analysis, 'latency');
    expect(latency.verdict).toBe('inconclusive');
    expect(latency.reason).toMatch(
      /200 baseline and 12 canary samples, 20 per side needed before comparing \(one side reached max-samples 200\)/,
    );
    expect(analysis.judge().verdict).toBe('inconclusive');
  });

  it('fails a clearly slower canary early with values, the ratio, its interval and the boundary in the reason', () => {
    const random = new Random(1);
    const analysis = createStepAnalysis(SETTINGS);
    let looks = 0;
    let verdict = 'continue';
    while (verdict !== 'fail' && looks < 10) {
      analysis.add(observation(lognormals(random, 20, 100), lognormals(random, 20, 200)));
      verdict = analysis.judge().verdict;
      looks++;
    }
    expect(verdict).toBe('fail');
    expect(looks).toBeLessThanOrEqual(4);
    const judgment = analysis.judge();
    expect(judgment.reason).toMatch(/^latency fails — latency: canary p95 \d+ ms vs baseline \d+ ms/);
    const latency = metric(analysis, 'latency');
    expect(latency.reason).toMatch(
      /Hodges-Lehmann ratio \d\.\d\d \(99% CI \d\.\d\d–\d\.\d\d\) > allowed 1\.10; z=\d+\.\d\d ≥ boundary \d\.\d\d at \d+ of 200 samples per side: the canary is slower/,
    );
    expect(latency.statistic).toMatchObject({ test: 'mann-whitney' });
    expect(latency.statistic!.estimate!).toBeGreaterThan(1.5);
    expect(latency.statistic!.value!).toBeGreaterThanOrEqual(latency.statistic!.boundary!);
    expect(latency.threshold).toBe('≤ 1.10× baseline at 99%');
  });

  it('passes identical versions at max-samples without evidence, and keeps that decision', () => {
    const random = new Random(2);
    const analysis = createStepAnalysis({ ...SETTINGS, allowedIncrease: { latency: 0, errorRate: 0 } });
    for (let n = 0; n < 200; n += 20)
      analysis.add(observation(lognormals(random, 20, 100), lognormals(random, 20, 100)));
    const latency = metric(analysis, 'latency');
    expect(latency.verdict).toBe('pass');
    expect(latency.reason).toMatch(
      /final boundary \d\.\d\d at 200 of 200 samples per side \(max-samples\): no evidence the canary is slower/,
    );
    // The budget is spent: a much slower canary afterwards does not change the comparison.
    analysis.add(observation(lognormals(random, 100, 100), lognormals(random, 100, 500)));
    const after = metric(analysis, 'latency');
    expect(after.verdict).toBe('pass');
    expect(after.reason).toMatch(/decided at look \d+; later samples do not change it/);
  });

  it('passes early when the interval shows the canary is not slower beyond the allowance', () => {
    const random = new Random(3);
    const analysis = createStepAnalysis({
      ...SETTINGS,
      allowedIncrease: { latency: 0.5, errorRate: 0.1 },
      maxSamples: 1000,
    });
    for (let n = 0; n < 200; n += 20)
      analysis.add(observation(lognormals(random, 20, 100), lognormals(random, 20, 100)));
    const latency = metric(analysis, 'latency');
    expect(latency.verdict).toBe('pass');
    expect(latency.reason).toMatch(/within allowed 1\.50; .*: not slower beyond the allowance/);
  });

  it('drops NaN, Infinity and negative latencies and says so; 0 ms is floored for the ratio', () => {
    const analysis = createStepAnalysis(SETTINGS);
    const base = Array.from({ length: 20 }, (_, i) => 100 + i);
    analysis.add(observation([...base, Number.NaN, -5], [...base, Number.POSITIVE_INFINITY, 0]));
    const latency = metric(analysis, 'latency');
    expect(latency.samples).toEqual({ baseline: 20, canary: 21 });
    expect(latency.reason).toMatch(/dropped 2 non-finite or negative latency values from the baseline/);
    expect(latency.reason).toMatch(/dropped 1 non-finite or negative latency value from the canary/);
    expect(latency.reason).toMatch(/1 latency of 0 ms from the canary counted as 0\.001 ms for the ratio/);
  });

  it('explains constant samples: every latency the same', () => {
    const analysis = createStepAnalysis(SETTINGS);
    analysis.add(observation(new Array(20).fill(5), new Array(20).fill(5)));
    const latency = metric(analysis, 'latency');
    expect(latency.reason).toMatch(/all 40 latencies are 5 ms: nothing differs/);
    expect(latency.statistic).toMatchObject({ value: expect.any(Number), estimate: 1 });
    expect(latency.verdict).not.toBe('fail');
  });

  it('fails on an absolute threshold and says it was the threshold', () => {
    const analysis = createStepAnalysis({ ...SETTINGS, thresholds: { latencyP95Ms: 150 } });
    const values = Array.from({ length: 20 }, (_, i) => 100 + i * 5); // p95 ≈ 190
    analysis.add(observation(values, values));
    const latency = metric(analysis, 'latency');
    expect(latency.verdict).toBe('fail');
    expect(latency.reason).toMatch(
      /^canary p95 190 ms > 150 ms \(threshold\); canary p95 190 ms vs baseline 190 ms/,
    );
    expect(latency.statistic).toEqual({ test: 'threshold', value: expect.closeTo(190.25, 2), boundary: 150 });
    expect(latency.threshold).toBe('≤ 1.10× baseline at 99%; p95 ≤ 150 ms');
  });

  it('fails a canary that errors far more often, explaining a zero baseline', () => {
    const analysis = createStepAnalysis({ ...SETTINGS, maxRequests: 400 });
    const values = Array.from({ length: 100 }, (_, i) => 100 + (i % 10));
    for (let look = 0; look < 4; look++) analysis.add(observation(values, values, [0, 15]));
    const errors = metric(analysis, 'error-rate');
    expect(errors.verdict).toBe('fail');
    expect(errors.reason).toMatch(
      /^canary 15\.0% errors \(60\/400\) vs baseline 0% \(0\/400\); the baseline had no errors, so 1\.10× its rate allows none and each canary error counts; difference \+15\.0 pts \(99% CI \+\d+\.\d to \+\d+\.\d\) beyond allowed 1\.10× baseline; z=\d+\.\d\d ≥ (final )?boundary/,
    );
    expect(errors.statistic).toMatchObject({ test: 'two-proportion', estimate: 0.15 });
    expect(analysis.judge().verdict).toBe('fail');
  });

  it('explains no errors on either side', () => {
    const analysis = createStepAnalysis(SETTINGS);
    const values = Array.from({ length: 30 }, (_, i) => 100 + i);
    analysis.add(observation(values, values));
    expect(metric(analysis, 'error-rate').reason).toMatch(/no errors on either side: nothing to compare; /);
  });

  it('drops invalid request counts and says so', () => {
    const analysis = createStepAnalysis(SETTINGS);
    analysis.add({
      baseline: { latencyMs: [1], requests: 5, errors: 9 },
      canary: { latencyMs: [1], requests: Number.NaN, errors: 0 },
      notes: [],
    });
    const errors = metric(analysis, 'error-rate');
    expect(errors.verdict).toBe('no-data');
    expect(errors.reason).toMatch(
      /dropped 1 window of invalid request counts from the baseline; dropped 1 window of invalid request counts from the canary/,
    );
  });

  it('judges on latency alone when no side reports requests', () => {
    const analysis = createStepAnalysis(SETTINGS);
    const values = Array.from({ length: 30 }, (_, i) => 100 + i);
    analysis.add({
      baseline: { latencyMs: values, requests: 0, errors: 0 },
      canary: { latencyMs: values, requests: 0, errors: 0 },
      notes: [],
    });
    const judgment = analysis.judge();
    expect(judgment.verdict).toBe('pass');
    expect(judgment.reason).toMatch(
      /^latency passes \(error rate: not measured by either side\) — latency: /,
    );
    // Left out of the list, so the rollout's count of samples per side is not held at 0 by it.
    expect(judgment.metrics.map((m) => m.metric)).toEqual(['latency']);
  });

  it('combines: fail beats no-data beats continue beats inconclusive beats pass', () => {
    const m = (metricName: MetricJudgment['metric'], verdict: MetricJudgment['verdict']): MetricJudgment => ({
      metric: metricName,
      verdict,
      reason: verdict,
      samples: { baseline: 1, canary: 1 },
      baseline: 1,
      canary: 1,
      threshold: '',
    });
    const both = { latency: true, 'error-rate': true };
    expect(combine([m('latency', 'pass'), m('error-rate', 'fail')], both).verdict).toBe('fail');
    expect(combine([m('latency', 'continue'), m('error-rate', 'no-data')], both).verdict).toBe('no-data');
    expect(combine([m('latency', 'inconclusive'), m('error-rate', 'continue')], both).verdict).toBe(
      'continue',
    );
    expect(combine([m('latency', 'inconclusive'), m('error-rate', 'pass')], both).verdict).toBe(
      'inconclusive',
    );
    const passed = combine([m('latency', 'pass'), m('error-rate', 'pass')], both);
    expect(passed).toMatchObject({
      verdict: 'pass',
      reason: 'latency and error rate pass — latency: pass; error rate: pass',
    });
    expect(
      combine([m('latency', 'pass'), m('error-rate', 'no-data')], { latency: true, 'error-rate': false })
        .verdict,
    ).toBe('pass');
  });

  it('rejects settings it cannot work with, naming the setting and the expected form', () => {
    expect(() => resolveSettings({ ...SETTINGS, confidence: 99 })).toThrow(
      'analysis setting confidence must be between 0.5 and 1 (e.g. 0.99), got 99',
    );
    expect(() => resolveSettings({ ...SETTINGS, maxSamples: 10 })).toThrow(
      /maxSamples must be an integer ≥ minSamples \(20\)/,
    );
    expect(() => resolveSettings({ ...SETTINGS, allowedIncrease: { latency: -1, errorRate: 0 } })).toThrow(
      /allowedIncrease.latency/,
    );
    expect(() => resolveSettings({ ...SETTINGS, errorRateShare: 1 })).toThrow(/errorRateShare/);
    expect(() => createStepAnalysis({ ...SETTINGS, thresholds: { latencyP95Ms: Number.NaN } })).toThrow(
      /thresholds.latencyP95Ms/,
    );
  });

  it('splits 1 − confidence between the metrics, 60% to latency by default, and the shares add up to it', () => {
    expect(DEFAULT_ERROR_RATE_SHARE).toBe(0.4);
    const { alpha } = resolveSettings(SETTINGS);
    expect(alpha.latency).toBeCloseTo(0.006, 12);
    expect(alpha.errorRate).toBeCloseTo(0.004, 12);
    const even = resolveSettings({ ...SETTINGS, confidence: 0.95, errorRateShare: 0.5 }).alpha;
    expect(even.latency + even.errorRate).toBeCloseTo(0.05, 12);
    expect(even.latency).toBeCloseTo(0.025, 12);
  });

  it('one judgment with 1000 samples per side takes well under 50 ms', () => {
    const random = new Random(4);
    const analysis = createStepAnalysis({ ...SETTINGS, maxSamples: 2000, maxRequests: 2000 });
    let slowest = 0;
    for (let n = 0; n < 1000; n += 100) {
      analysis.add(observation(lognormals(random, 100, 100), lognormals(random, 100, 100)));
      const started = performance.now();
      analysis.judge();
      slowest = Math.max(slowest, performance.now() - started);
    }
    expect(slowest).toBeLessThan(50);
  });
});

describe('hostile observations (property)', () => {
  it('never throws, always explains, and its judgment survives JSON, whatever a source reports', () => {
    const latency = fc.oneof(
      fc.double({ noDefaultInfinity: false, noNaN: false }),
      fc.constantFrom(0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e300, 5e-324),
      fc.double({ min: 0.5, max: 5000, noNaN: true }),
    );
    const side = fc.record({
      latencyMs: fc.array(latency, { maxLength: 30 }),
      requests: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom(-1, Number.NaN, 2.5)),
      errors: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom(-3, Number.NaN)),
    });
    const observationArb = fc.record({ baseline: side, canary: side, notes: fc.constant([] as string[]) });
    fc.assert(
      fc.property(fc.array(observationArb, { minLength: 1, maxLength: 8 }), (observations) => {
        const analysis = createStepAnalysis({
          ...SETTINGS,
          minSamples: 5,
          maxSamples: 60,
          thresholds: { latencyP95Ms: 1000, maxErrorRate: 0.5 },
        });
        for (const o of observations) {
          analysis.add(o);
          const judgment = analysis.judge();
          expect(['pass', 'fail', 'continue', 'inconclusive', 'no-data']).toContain(judgment.verdict);
          expect(judgment.reason.length).toBeGreaterThan(10);
          for (const m of judgment.metrics) {
            expect(m.reason).not.toMatch(/NaN|undefined/);
            for (const value of [
              m.baseline,
              m.canary,
              m.statistic?.value,
              m.statistic?.estimate,
              m.statistic?.boundary,
            ])
              if (value !== null && value !== undefined) expect(Number.isFinite(value)).toBe(true);
          }
          expect(JSON.parse(JSON.stringify(judgment))).toEqual(judgment);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('seeded simulations', () => {
  it('identical versions: the false-abort rate stays below 1 − confidence with 20 looks per analysis', () => {
    const settings = { ...SETTINGS, allowedIncrease: { latency: 0, errorRate: 0 } };
    let aborted = 0;
    const analyses = 300;
    for (let i = 0; i < analyses; i++) {
      const random = new Random(10_000 + i);
      const analysis = createStepAnalysis(settings);
      for (let n = 0; n < 200; n += 10) {
        const errors: [number, number] = [random.binomial(10, 0.02), random.binomial(10, 0.02)];
        analysis.add(observation(lognormals(random, 10, 100), lognormals(random, 10, 100), errors));
        if (analysis.judge().verdict === 'fail') {
          aborted++;
          break;
        }
      }
    }
    // α = 1%: 3 expected at most; 9 of 300 would be far outside the binomial spread of a 1% rate.
    expect(aborted / analyses).toBeLessThan(0.03);
  });

  it('the error-rate share is fixed because at a 5% error rate the error test spends most of it (at 0.1% none)', () => {
    // Error counts only, so latency takes no part: 25 looks up to 500 requests per side.
    const settings = { ...SETTINGS, allowedIncrease: { latency: 0, errorRate: 0 }, maxRequests: 500 };
    const analyses = 3000;
    const falseAborts = (rate: number) => {
      let aborted = 0;
      for (let i = 0; i < analyses; i++) {
        const random = new Random(30_000 + i);
        const analysis = createStepAnalysis(settings);
        for (let n = 0; n < 500; n += 20) {
          const side = () => ({ latencyMs: [], requests: 20, errors: random.binomial(20, rate) });
          analysis.add({ baseline: side(), canary: side(), notes: [] });
          if (analysis.judge().verdict === 'fail') {
            aborted++;
            break;
          }
        }
      }
      return aborted;
    };
    const share = resolveSettings(settings).alpha.errorRate * analyses; // 12 expected at most
    const frequent = falseAborts(0.05);
    expect(frequent).toBeLessThanOrEqual(share + 3 * Math.sqrt(share)); // within its share…
    expect(frequent).toBeGreaterThanOrEqual(share / 4); // …and using much of it: none is left to hand over
    expect(falseAborts(0.001)).toBeLessThanOrEqual(1);
  });

  it('a canary 50% slower is caught in nearly every analysis within 200 samples', () => {
    let caught = 0;
    const analyses = 60;
    for (let i = 0; i < analyses; i++) {
      const random = new Random(20_000 + i);
      const analysis = createStepAnalysis({ ...SETTINGS, allowedIncrease: { latency: 0, errorRate: 0 } });
      for (let n = 0; n < 200; n += 20) {
        analysis.add(observation(lognormals(random, 20, 100), lognormals(random, 20, 150)));
        if (analysis.judge().verdict === 'fail') {
          caught++;
          break;
        }
      }
    }
    expect(caught).toBeGreaterThanOrEqual(analyses - 1);
  });
});
