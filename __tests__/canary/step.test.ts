// One step's look loop, through the rollout engine on a fake clock (rollout-harness.ts): the outcome
// policies, the hold and evidence rules, max-duration.
import { describe, expect, it } from 'vitest';
import type { Policy, Verdict } from '../../src/analysis/types.js';
import type { RolloutReport } from '../../src/canary/report.js';
import { runRollout } from '../../src/canary/rollout.js';
import { MetricSourceError } from '../../src/metrics/types.js';
import { HOLD, harness, INTERVAL, judgment, observation, policies, settings } from './rollout-harness.js';

describe('a step', () => {
  describe('outcome policies', () => {
    type Case = {
      outcome: 'no-data' | 'inconclusive' | 'error';
      policy: Policy;
      status: RolloutReport['status'];
      verdict: RolloutReport['verdict'];
      weights: number[];
      effects: string[];
      firstStepMs: number;
    };
    const cases: Case[] = [
      {
        outcome: 'no-data',
        policy: 'abort',
        status: 'aborted',
        verdict: 'no-data',
        weights: [5, 0],
        effects: ['abort'],
        firstStepMs: HOLD,
      },
      {
        outcome: 'no-data',
        policy: 'promote',
        status: 'promoted',
        verdict: 'pass',
        weights: [5, 25, 50, 100],
        effects: ['pass'],
        firstStepMs: HOLD,
      },
      {
        outcome: 'no-data',
        policy: 'extend',
        status: 'aborted',
        verdict: 'no-data',
        weights: [5, 0],
        effects: ['extend', 'abort'],
        firstStepMs: 2 * HOLD,
      },
      {
        outcome: 'no-data',
        policy: 'hold',
        status: 'aborted',
        verdict: 'timeout',
        weights: [5, 0],
        effects: ['keep-judging'],
        firstStepMs: 300_000,
      },
      {
        outcome: 'inconclusive',
        policy: 'abort',
        status: 'aborted',
        verdict: 'inconclusive',
        weights: [5, 0],
        effects: ['abort'],
        firstStepMs: HOLD,
      },
      {
        outcome: 'inconclusive',
        policy: 'promote',
        status: 'promoted',
        verdict: 'pass',
        weights: [5, 25, 50, 100],
        effects: ['pass'],
        firstStepMs: HOLD,
      },
      {
        outcome: 'inconclusive',
        policy: 'extend',
        status: 'aborted',
        verdict: 'inconclusive',
        weights: [5, 0],
        effects: ['extend', 'abort'],
        firstStepMs: 2 * HOLD,
      },
      {
        outcome: 'inconclusive',
        policy: 'hold',
        status: 'aborted',
        verdict: 'timeout',
        weights: [5, 0],
        effects: ['keep-judging'],
        firstStepMs: 300_000,
      },
      // Errors are decided at the look that failed: abort at the first, extend at once (and abort at the next).
      {
        outcome: 'error',
        policy: 'abort',
        status: 'aborted',
        verdict: 'error',
        weights: [5, 0],
        effects: ['abort'],
        firstStepMs: INTERVAL,
      },
      {
        outcome: 'error',
        policy: 'promote',
        status: 'promoted',
        verdict: 'pass',
        weights: [5, 25, 50, 100],
        effects: ['pass'],
        firstStepMs: HOLD,
      },
      {
        outcome: 'error',
        policy: 'extend',
        status: 'aborted',
        verdict: 'error',
        weights: [5, 0],
        effects: ['extend', 'abort'],
        firstStepMs: 2 * INTERVAL,
      },
      {
        outcome: 'error',
        policy: 'hold',
        status: 'aborted',
        verdict: 'timeout',
        weights: [5, 0],
        effects: ['keep-judging'],
        firstStepMs: 300_000,
      },
    ];

    it.each(cases)('$outcome with $policy: $status ($verdict)', async (c) => {
      const h = harness();
      if (c.outcome === 'error')
        h.source.script = () => {
          throw new MetricSourceError(
            'prometheus: http://prom:9090/api/v1/query could not be reached',
            'prometheus',
          );
        };
      else h.analyses.script = () => judgment(c.outcome as Verdict, c.outcome === 'no-data' ? 0 : 5);
      const other: Policy = 'abort';
      const report = await runRollout(
        settings({
          maxDurationMs: 300_000,
          policies: policies(
            c.outcome === 'no-data' ? c.policy : other,
            c.outcome === 'inconclusive' ? c.policy : other,
            c.outcome === 'error' ? c.policy : other,
          ),
        }),
        h.deps,
      );
      expect(report.status).toBe(c.status);
      expect(report.verdict).toBe(c.verdict);
      expect(h.router.weights).toEqual(c.weights);
      const first = report.steps[0]!;
      expect(first.durationMs).toBe(c.firstStepMs);
      const input = { 'no-data': 'on-no-data', inconclusive: 'on-inconclusive', error: 'on-error' }[
        c.outcome
      ];
      expect(first.policies.map((p) => p.effect)).toEqual(c.effects);
      expect(first.policies.every((p) => p.input === input && p.policy === c.policy)).toBe(true);
      if (c.status === 'aborted') expect(report.finalWeight).toBe(0);
      if (c.verdict === 'timeout')
        expect(report.reason).toMatch(/^max-duration 5 m reached at step 1 \(5%\); /);
      if (c.outcome === 'error') {
        expect(first.errors).toBeGreaterThan(0);
        expect(first.notes).toEqual([
          'prometheus source: prometheus: http://prom:9090/api/v1/query could not be reached',
        ]);
      }
      if (c.policy === 'extend') expect(first.extensions).toBe(1);
    });

    it('hold keeps judging, and the step passes once the analysis does', async () => {
      const h = harness();
      h.analyses.script = (index, look) =>
        index === 0 && look <= 4 ? judgment('no-data', 0) : judgment('pass');
      const report = await runRollout(settings({ policies: policies('hold', 'abort', 'abort') }), h.deps);
      expect(report.status).toBe('promoted');
      expect(report.steps[0]).toMatchObject({ looks: 5, durationMs: 5 * INTERVAL, verdict: 'pass' });
      expect(report.steps[0]!.policies).toHaveLength(1);
    });

    it('a look that failed is skipped under hold, and the next window covers it', async () => {
      const h = harness();
      h.source.script = (request, look) => {
        if (request.step === 1 && look === 1)
          throw new MetricSourceError('prometheus: timeout', 'prometheus');
        return observation();
      };
      const report = await runRollout(settings({ policies: policies('abort', 'abort', 'hold') }), h.deps);
      expect(report.status).toBe('promoted');
      expect(report.steps[0]).toMatchObject({ looks: 2, errors: 1, verdict: 'pass' });
      expect(h.source.requests.slice(0, 3).map((r) => r.windowMs)).toEqual([
        INTERVAL,
        2 * INTERVAL,
        INTERVAL,
      ]);
    });

    it('continue with min-samples passes at the hold (rule hold); with too few it is inconclusive', async () => {
      const h = harness();
      // Undecided all along with 50 samples a side: no harm found, so each step passes when its hold ends.
      h.analyses.script = () => judgment('continue', 50);
      const report = await runRollout(settings(), h.deps);
      expect(report.status).toBe('promoted');
      const judged = report.steps.filter((step) => step.verdict !== 'not-judged');
      expect(judged.map((step) => step.passedBy)).toEqual(['hold', 'hold', 'hold']);
      expect(judged.map((step) => step.durationMs)).toEqual(judged.map((step) => step.holdMs));
      expect(judged[0]!.reason).toMatch(/^hold elapsed, min-samples seen, no harm found \(hold /);
      // An aggregate's samples are looks: they are not held to min-samples (its own rule says when it has
      // enough); the error rate's requests are.
      const aggregate = harness();
      aggregate.analyses.script = () => {
        const scripted = judgment('continue', 50);
        scripted.metrics = [
          { ...scripted.metrics[0]!, verdict: 'pass', samples: { baseline: 3, canary: 3 }, aggregate: true },
          { ...scripted.metrics[0]!, metric: 'error-rate', samples: { baseline: 900, canary: 60 } },
        ];
        return scripted;
      };
      const byHold = await runRollout(settings(), aggregate.deps);
      expect(byHold.status).toBe('promoted');
      expect(byHold.steps[0]!.passedBy).toBe('hold');
      // A comparison leaning toward harm (z ≥ 1.645, short of its boundary) is not "no harm found": the
      // step keeps judging past its hold, and passes at the first look where it no longer leans.
      const leaning = harness();
      leaning.analyses.script = (index, look) => {
        const scripted = judgment('continue', 50);
        if (index === 0 && look < 4) scripted.metrics[0]!.statistic!.value = 2.4;
        return scripted;
      };
      const later = await runRollout(settings(), leaning.deps);
      expect(later.status).toBe('promoted');
      expect(later.steps[0]).toMatchObject({ looks: 4, passedBy: 'hold' });
      expect(later.steps[0]!.durationMs).toBeGreaterThan(later.steps[0]!.holdMs);
      expect(later.steps[1]!.durationMs).toBe(later.steps[1]!.holdMs);
      // A pass on the evidence says so.
      const evidence = harness();
      evidence.analyses.script = () => judgment('pass');
      const passed = await runRollout(settings(), evidence.deps);
      expect(passed.steps[0]!.passedBy).toBe('evidence');

      const few = harness();
      few.analyses.script = () => judgment('continue', 8);
      const aborted = await runRollout(settings({ policies: policies('abort', 'abort', 'abort') }), few.deps);
      expect(aborted).toMatchObject({ status: 'aborted', verdict: 'inconclusive' });
      expect(aborted.reason).toBe(
        'inconclusive (8 samples on a side when the hold ended, 20 needed); on-inconclusive: abort → abort',
      );
    });
  });

  it('aborts when max-duration is reached mid-step, and before a step it cannot start', async () => {
    const h = harness();
    const report = await runRollout(settings({ maxDurationMs: 150_000 }), h.deps);
    expect(report).toMatchObject({ status: 'aborted', verdict: 'timeout', finalWeight: 0 });
    expect(report.reason).toBe(
      'max-duration 2 m 30 s reached at step 3 (50%); the last judgment was pass: scripted pass',
    );
    expect(h.router.weights).toEqual([5, 25, 50, 0]);
    expect(report.durationMs).toBe(150_000);

    const before = harness();
    const early = await runRollout(settings({ maxDurationMs: 2 * HOLD }), before.deps);
    expect(early.reason).toBe('max-duration 2 m reached before step 3 (50%)');
    expect(before.router.weights).toEqual([5, 25, 0]);
    expect(early.steps.at(-1)).toMatchObject({ weight: 50, verdict: 'not-judged', outcome: 'failed' });
  });
});
