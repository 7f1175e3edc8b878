// The step analysis as a whole: combining the metrics, a metric no side measures, hostile observations,
// speed, and seeded simulations of its false aborts and power.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../bench/random.js';
import { resolveSettings } from '../../src/analysis/settings.js';
import { combine, createStepAnalysis } from '../../src/analysis/step-analysis.js';
import type { MetricJudgment } from '../../src/analysis/types.js';
import { lognormals, metric, observation, SETTINGS } from './step-analysis-harness.js';

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
