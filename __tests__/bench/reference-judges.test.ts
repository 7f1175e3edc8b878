import { describe, expect, it } from 'vitest';
import {
  createFixedThresholdJudge,
  createKayentaJudge,
  kayentaClassify,
} from '../../bench/reference-judges.js';
import type { Observation } from '../../src/metrics/types.js';

function observation(baseline: number[], canary: number[], errors: [number, number] = [0, 0]): Observation {
  return {
    baseline: { latencyMs: baseline, requests: baseline.length, errors: errors[0] },
    canary: { latencyMs: canary, requests: canary.length, errors: errors[1] },
    notes: [],
  };
}

const base = Array.from({ length: 40 }, (_, i) => 100 + i); // p95 = 137.05

describe('fixed-threshold judge', () => {
  it('passes a canary p95 within 1.2× the baseline p95 and fails one beyond', () => {
    const within = createFixedThresholdJudge({ minSamples: 20 });
    within.add(
      observation(
        base,
        base.map((ms) => ms * 1.15),
      ),
    );
    expect(within.judge().verdict).toBe('pass');
    const beyond = createFixedThresholdJudge({ minSamples: 20 });
    beyond.add(
      observation(
        base,
        base.map((ms) => ms * 1.25),
      ),
    );
    const judgment = beyond.judge();
    expect(judgment.verdict).toBe('fail');
    expect(judgment.reason).toBe('latency: canary p95 171 ms vs 1.2× baseline p95 164 ms');
  });

  it('fails any canary error against a zero baseline, the weakness of a pure ratio', () => {
    const judge = createFixedThresholdJudge({ minSamples: 20 });
    judge.add(observation(base, base, [0, 1]));
    expect(judge.judge().metrics.find((m) => m.metric === 'error-rate')!.verdict).toBe('fail');
  });

  it('waits for min-samples and says no-data for a silent side', () => {
    const judge = createFixedThresholdJudge({ minSamples: 20 });
    judge.add(observation(base.slice(0, 5), base.slice(0, 5)));
    expect(judge.judge().verdict).toBe('continue');
    const silent = createFixedThresholdJudge({ minSamples: 20 });
    silent.add(observation(base, []));
    expect(silent.judge().verdict).toBe('no-data');
  });
});

describe("Kayenta's rule", () => {
  it('passes identical series without testing', () => {
    expect(kayentaClassify(base, base)).toMatchObject({ verdict: 'pass', reason: 'identical series' });
  });

  it('fails when the 98% interval of the shift lies above 25% of the shift', () => {
    const result = kayentaClassify(
      base,
      base.map((ms) => ms + 40),
    );
    expect(result.verdict).toBe('fail');
    expect(result.estimate).toBe(40);
    expect(result.interval[0]).toBeGreaterThan(10);
  });

  it('passes a shift whose interval reaches below 25% of it, however consistent', () => {
    // A 2 ms shift on a 40 ms spread: significant or not, the interval is far wider than 75% of the shift.
    expect(
      kayentaClassify(
        base,
        base.map((ms) => ms + 2),
      ).verdict,
    ).toBe('pass');
  });

  it('judges latency per request and error rates per window, at one look', () => {
    const judge = createKayentaJudge({ minSamples: 20 });
    for (let w = 0; w < 25; w++) judge.add(observation(base.slice(0, 20), base.slice(0, 20), [0, 4]));
    const judgment = judge.judge();
    expect(judgment.metrics.map((m) => [m.metric, m.verdict])).toEqual([
      ['latency', 'pass'],
      ['error-rate', 'fail'],
    ]);
    expect(judgment.metrics[1]!.canary).toBeCloseTo(0.2, 12);
  });
});
