// The latency judge (Mann-Whitney, Hodges-Lehmann, sequential boundary, thresholds), through the step analysis.
import { describe, expect, it } from 'vitest';
import { Random } from '../../bench/random.js';
import { obrienFlemingSpending } from '../../src/analysis/sequential.js';
import { createStepAnalysis } from '../../src/analysis/step-analysis.js';
import { lognormals, metric, observation, SETTINGS } from './step-analysis-harness.js';

describe('latency judge', () => {
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
});
