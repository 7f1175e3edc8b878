// The watch's judgment: the release against the previous release (the canary analysis's statistics at a
// per-look share of the window's confidence), or against fixed limits.
import { describe, expect, it } from 'vitest';
import type { AnalysisSettings } from '../../src/analysis/types.js';
import { judgeLook, lookConfidence, looksIn } from '../../src/watch/judge.js';
import { observation, side } from '../helpers/watch-history.js';

const settings: AnalysisSettings = {
  confidence: 0.99,
  allowedIncrease: { latency: 0.1, errorRate: 0.5 },
  thresholds: {},
  minSamples: 20,
  maxSamples: 500,
};

describe('looks', () => {
  it('splits the false-alarm budget over the looks the window holds', () => {
    expect(looksIn(24 * 3_600_000, 15 * 60_000)).toBe(96);
    expect(looksIn(60_000, 15 * 60_000)).toBe(1);
    expect(lookConfidence(0.99, 100)).toBeCloseTo(0.9999, 10);
  });
});

describe('judgeLook against the previous release', () => {
  const judge = (baselineErrors: number, releaseErrors: number, looks = 96) =>
    judgeLook({
      observation: observation(side(5000, baselineErrors), side(5000, releaseErrors)),
      compare: 'previous',
      settings,
      looks,
      releaseVersion: 'v3',
      previousVersion: 'v2',
    });

  it('fails a release whose error rate is far above the previous one', () => {
    const judgment = judge(10, 250);
    expect(judgment.verdict).toBe('fail');
    expect(judgment.reason).toContain('error rate fails');
    expect(judgment.compared).toBe('v3 against v2, at 99.9896% per look (96 looks in the window)');
    // Each look is final on what it counted: the verdict names that count, not min-samples.
    expect(JSON.stringify(judgment.metrics)).toContain('5000 of 5000 requests per side');
  });

  it('passes a release that fails as often as the previous one', () => {
    expect(judge(10, 12).verdict).toBe('pass');
  });

  it('holds a small difference that one look of the whole budget would fail to the look share', () => {
    // 0.2% → 0.8% on 5000 per side: beyond 1.5× at 99% in one look, not at 99% spread over 96 looks.
    expect(judge(10, 40, 1).verdict).toBe('fail');
    expect(judge(10, 40, 96).verdict).toBe('pass');
  });

  it('waits for min-samples', () => {
    const judgment = judgeLook({
      observation: observation(side(5000, 10), side(5, 5)),
      compare: 'previous',
      settings,
      looks: 1,
      releaseVersion: 'v3',
      previousVersion: 'v2',
    });
    expect(judgment.verdict).toBe('inconclusive');
    expect(judgment.reason).toContain('20 requests per side needed before comparing');
  });
});

describe('judgeLook against limits', () => {
  const limits = { ...settings, thresholds: { maxErrorRate: 0.01, latencyP95Ms: 200 } };
  const judge = (release: ReturnType<typeof side>) =>
    judgeLook({
      observation: observation(side(0, 0), release),
      compare: 'limits',
      settings: limits,
      looks: 96,
      releaseVersion: 'v3',
    });
  const fast = Array.from({ length: 100 }, (_, i) => 50 + i);

  it('fails on a breached limit and names it', () => {
    const judgment = judge(side(100, 5, fast));
    expect(judgment.verdict).toBe('fail');
    expect(judgment.reason).toBe('canary error rate 5.0% (5/100) > 1.0%');
    expect(judgment.compared).toBe('v3 against the limits set');
  });

  it('passes within the limits', () => {
    const judgment = judge(side(100, 0, fast));
    expect(judgment.verdict).toBe('pass');
    expect(judgment.checks.map((check) => check.rule)).toEqual(['p95 ≤ 200 ms', 'error rate ≤ 1.0%']);
  });

  it('says no data, or not yet, below min-samples', () => {
    expect(judge(side(0, 0)).verdict).toBe('no-data');
    expect(judge(side(5, 5)).verdict).toBe('continue');
  });
});
