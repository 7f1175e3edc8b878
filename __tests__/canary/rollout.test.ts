// The rollout engine on a fake clock (rollout-harness.ts): a good canary walked to 100%, an abort,
// cancellation, dry run, router and store faults.
import { describe, expect, it } from 'vitest';
import { storeKey } from '../../src/canary/resume.js';
import { runRollout } from '../../src/canary/rollout.js';
import {
  HOLD,
  harness,
  INTERVAL,
  judgment,
  KEY,
  observation,
  type RecordingStore,
  START,
  settings,
} from './rollout-harness.js';

describe('rollout', () => {
  it('walks a good canary through every step to 100%, holding each step and judging every interval', async () => {
    const h = harness();
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('promoted');
    expect(report.verdict).toBe('pass');
    expect(report.reason).toBe('the canary passed every step and stands at 100%');
    expect(h.router.weights).toEqual([5, 25, 50, 100]);
    expect(h.weightsSeen).toEqual([5, 25, 50, 100]);
    expect(h.router.changes.map((c) => c.step)).toEqual([1, 2, 3, 4]);
    expect(h.router.changes.every((c) => c.baselineVersion === 'v1' && c.canaryVersion === 'v2')).toBe(true);
    expect(report.finalWeight).toBe(100);
    expect(report.trafficRestored).toBe(true);
    expect(report.steps.map((s) => [s.weight, s.looks, s.durationMs, s.outcome, s.verdict])).toEqual([
      [5, 3, HOLD, 'passed', 'pass'],
      [25, 3, HOLD, 'passed', 'pass'],
      [50, 3, HOLD, 'passed', 'pass'],
      [100, 0, 0, 'passed', 'not-judged'],
    ]);
    expect(report.steps[0]!.metrics[0]!.statistic?.test).toBe('mann-whitney');
    expect(report.durationMs).toBe(3 * HOLD);
    // Each look asks for the window since the previous one, at the step's weight.
    expect(h.source.requests).toHaveLength(9);
    expect(h.source.requests.every((r) => r.windowMs === INTERVAL)).toBe(true);
    expect(h.source.requests.map((r) => r.weight)).toEqual([5, 5, 5, 25, 25, 25, 50, 50, 50]);
    // A fresh analysis for each judged step, fed every observation of its step; none for the promotion.
    expect(h.analyses.created).toEqual([0, 1, 2]);
    expect(h.analyses.added.map((o) => o.length)).toEqual([3, 3, 3]);
    expect(h.groups).toEqual([
      'Step 1 of 4: 5% for at least 1 m',
      'Step 2 of 4: 25% for at least 1 m',
      'Step 3 of 4: 50% for at least 1 m',
      'Step 4 of 4: 100% (promotion)',
    ]);
    const saved = (await h.store.load(KEY))!;
    expect(saved).toMatchObject({ status: 'promoted', weight: 100, step: 3, run: 'run-1', verdict: 'pass' });
    expect(saved.steps).toHaveLength(4);
    // The decision report ends the log.
    expect(h.logs).toContain(
      'canary v2 against v1 in production: promoted (pass): the canary passed every step and stands at 100%',
    );
  });

  it('aborts at once on a failing judgment, setting the weight to 0 before anything else', async () => {
    const h = harness();
    h.analyses.script = (index, look) => (index === 1 && look === 2 ? judgment('fail') : judgment('pass'));
    const report = await runRollout(settings(), h.deps);
    expect(report).toMatchObject({
      status: 'aborted',
      verdict: 'fail',
      reason: 'scripted fail',
      finalWeight: 0,
    });
    expect(h.router.weights).toEqual([5, 25, 0]);
    const failedAt = h.events.indexOf('judge step 2 look 2: fail');
    expect(h.events.slice(failedAt + 1)).toEqual(['weight 0', 'save aborted step 1 weight 0']);
    // Weight 0 is not cut short by a signal.
    expect(h.router.changes.at(-1)!.signal).toBeUndefined();
    expect(report.steps.map((s) => s.outcome)).toEqual(['passed', 'failed']);
    expect(report.steps[1]).toMatchObject({ looks: 2, verdict: 'fail', durationMs: 2 * INTERVAL });
    expect((await h.store.load(KEY))!).toMatchObject({
      status: 'aborted',
      verdict: 'fail',
      reason: 'scripted fail',
    });
  });

  describe('cancellation', () => {
    it('while waiting between looks: weight 0 at once, recorded as cancelled', async () => {
      const h = harness();
      h.clock.onSleep = (now) => {
        if (now >= START + HOLD + 30_000) h.controller.abort();
      };
      const report = await runRollout(settings(), h.deps);
      expect(report).toMatchObject({
        status: 'cancelled',
        verdict: 'cancelled',
        finalWeight: 0,
        trafficRestored: true,
      });
      expect(report.reason).toBe('cancelled at step 2 (25%)');
      expect(h.router.weights).toEqual([5, 25, 0]);
      expect(h.router.changes.at(-1)!.signal).toBeUndefined();
      expect(h.events.slice(-2)).toEqual(['weight 0', 'save cancelled step 1 weight 0']);
      expect(report.steps.map((s) => s.outcome)).toEqual(['passed', 'cancelled']);
      expect((await h.store.load(KEY))!).toMatchObject({
        status: 'cancelled',
        verdict: 'cancelled',
        weight: 0,
      });
    });

    it('while the router moves traffic: cancelled, not a router failure', async () => {
      const h = harness();
      h.router.onChange = (change) => {
        if (change.weight === 25) h.controller.abort();
      };
      const report = await runRollout(settings(), h.deps);
      expect(report).toMatchObject({ status: 'cancelled', verdict: 'cancelled' });
      expect(h.router.weights).toEqual([5, 25, 0]);
    });

    it('during a look: what the look brought is not judged', async () => {
      const h = harness();
      h.source.script = (request, look) => {
        if (request.step === 1 && look === 2) {
          h.controller.abort();
          // A cut-short look of a failing canary: it must not turn the cancel into an abort.
          h.analyses.script = () => judgment('fail');
        }
        return observation();
      };
      const report = await runRollout(settings(), h.deps);
      expect(report).toMatchObject({ status: 'cancelled', verdict: 'cancelled' });
      expect(h.analyses.added[0]).toHaveLength(1);
      expect(h.router.weights).toEqual([5, 0]);
    });
  });

  describe('dry run', () => {
    it('judges every step without ever calling the router, under its own state key', async () => {
      const h = harness();
      const report = await runRollout(settings({ dryRun: true }), h.deps);
      expect(report.status).toBe('promoted');
      expect(report.reason).toBe('dry run: the canary passed every step (4); traffic was not moved');
      expect(h.router.changes).toEqual([]);
      expect(h.source.requests.map((r) => r.weight)).toEqual([5, 5, 5, 25, 25, 25, 50, 50, 50]);
      expect([...h.store.states.keys()]).toEqual([storeKey(KEY, true)]);
      expect(report.finalWeight).toBe(0);
    });

    it('an abort in a dry run moves no traffic either, and leaves a real rollout state alone', async () => {
      const real = harness();
      await runRollout(settings(), real.deps);
      const promoted = (await real.store.load(KEY))!;
      const h = harness(real.store);
      h.analyses.script = () => judgment('fail');
      const report = await runRollout(settings({ dryRun: true }), h.deps);
      expect(report).toMatchObject({ status: 'aborted', verdict: 'fail', dryRun: true });
      expect(h.router.changes).toEqual([]);
      expect(report.resumed).toBeUndefined();
      expect(await h.store.load(KEY)).toEqual(promoted);
    });
  });

  describe('faults', () => {
    it('a router that cannot set a step weight aborts, and traffic goes back to 0', async () => {
      const h = harness();
      h.router.failWhen = (change) => change.weight === 25;
      const report = await runRollout(settings(), h.deps);
      expect(report).toMatchObject({
        status: 'aborted',
        verdict: 'router',
        finalWeight: 0,
        trafficRestored: true,
      });
      expect(report.reason).toBe(
        "the command router could not set the canary's weight to 25%: command router: the command failed with exit code 1 setting weight 25%",
      );
      expect(h.router.weights).toEqual([5, 25, 0]);
      expect(report.steps.at(-1)).toMatchObject({ verdict: 'error', looks: 0 });
    });

    it('weight 0 is retried, and a canary still holding traffic is said so', async () => {
      const h = harness();
      h.router.failWhen = (change) => change.weight !== 5;
      h.analyses.script = () => judgment('fail');
      const report = await runRollout(settings(), h.deps);
      expect(h.router.weights).toEqual([5, 0, 0, 0]);
      expect(report).toMatchObject({
        status: 'aborted',
        verdict: 'fail',
        trafficRestored: false,
        finalWeight: 5,
      });
      expect(report.reason).toBe("scripted fail; the canary's weight could not be set back to 0");
      expect(h.logs).toContain(
        "  the canary's weight could NOT be set back to 0: it may still serve 5% of traffic",
      );
      // Back-off on the clock between attempts: 1 s, then 2 s.
      expect(h.clock.now() - START).toBe(INTERVAL + 3000);
    });

    it('a weight 0 that fails once is retried and succeeds', async () => {
      const h = harness();
      h.router.failWhen = (change, attempt) => change.weight === 0 && attempt === 1;
      h.analyses.script = () => judgment('fail');
      const report = await runRollout(settings(), h.deps);
      expect(h.router.weights).toEqual([5, 0, 0]);
      expect(report).toMatchObject({ trafficRestored: true, finalWeight: 0 });
    });

    it('a state store that fails mid-rollout: traffic back to the baseline, then the error', async () => {
      const h = harness();
      (h.store as RecordingStore).failFrom = 4;
      await expect(runRollout(settings(), h.deps)).rejects.toThrow('disk full');
      expect(h.router.weights.at(-1)).toBe(0);
      expect(h.logs).toContain('warning: the rollout failed (disk full); returning traffic to the baseline');
    });

    it('warns once per step when the canary serves a share far from its weight', async () => {
      const h = harness();
      h.source.script = (request) => observation(request.weight === 5 ? 0.5 : request.weight / 100);
      const report = await runRollout(settings(), h.deps);
      expect(report.steps[0]!.traffic).toEqual({ asked: 0.05, observed: 0.5, far: true });
      expect(report.steps[1]!.traffic).toEqual({ asked: 0.25, observed: 0.25, far: false });
      expect(report.steps[0]!.notes).toEqual([
        'the canary served 50% of traffic while 5% was asked for: the router may not be applying the weight',
      ]);
      expect(h.logs.filter((l) => l.includes('may not be applying')).length).toBe(1);
    });

    it('refuses settings it cannot run with', async () => {
      const h = harness();
      await expect(runRollout(settings({ intervalMs: 0 }), h.deps)).rejects.toThrow(
        'canary rollout: interval must be positive, got 0 ms',
      );
      await expect(runRollout(settings({ steps: [] }), h.deps)).rejects.toThrow('canary rollout: no steps');
      expect(h.router.changes).toEqual([]);
    });
  });
});
