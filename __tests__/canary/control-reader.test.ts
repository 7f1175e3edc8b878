// Control at run time (pause, continue, abort, promote, an unreadable control), through the rollout
// engine on a fake clock (rollout-harness.ts).
import { describe, expect, it } from 'vitest';
import { ControlError } from '../../src/canary/control.js';
import { runRollout } from '../../src/canary/rollout.js';
import { HOLD, harness, INTERVAL, judgment, KEY, scriptedControl, settings } from './rollout-harness.js';

describe('control at run time', () => {
  it('pauses at the weight it has: still judged, no step passes and the weight does not rise until continue', async () => {
    const h = harness();
    // Paused from the first look of step 2 (at 80 s) until 200 s.
    h.deps.control = scriptedControl(h.events, h.clock, (t) =>
      t >= HOLD + INTERVAL && t < 200_000 ? { command: 'pause', reason: 'DB migration running' } : undefined,
    );
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('promoted');
    expect(report.verdict).toBe('pass');
    expect(h.router.weights).toEqual([5, 25, 50, 100]);
    const second = report.steps[1]!;
    // Held from 60 s: looks at 80..200 s, passing at the first look after the pause ended.
    expect(second.looks).toBe(7);
    expect(second.durationMs).toBe(140_000);
    expect(second.controls?.map((c) => [c.command, c.reason, c.from])).toEqual([
      ['pause', 'DB migration running', 'control-file ops/canary.txt'],
      ['continue', undefined, 'control-file ops/canary.txt'],
    ]);
    expect(
      h.logs.some((l) =>
        l.startsWith(
          'warning: control-file ops/canary.txt says pause (DB migration running): the canary stays at 25%',
        ),
      ),
    ).toBe(true);
    // The control is read before each judgment.
    const [first, then] = [h.events.indexOf('control none'), h.events.indexOf('collect step 1 look 1')];
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(then);
  });

  it('still aborts a paused canary that fails its judgment, and a pause holds back policies too', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, () => ({ command: 'pause' }));
    h.analyses.script = (_index, look) => judgment(look < 5 ? 'inconclusive' : 'fail');
    const report = await runRollout(settings(), h.deps);
    // on-inconclusive: abort would have fired when the hold ended at look 3; paused, it waits.
    expect(report.steps[0]!.policies).toEqual([]);
    expect(report.status).toBe('aborted');
    expect(report.verdict).toBe('fail');
    expect(report.steps[0]!.looks).toBe(5);
    expect(h.router.weights).toEqual([5, 0]);
  });

  it('aborts by hand: weight 0 at once, verdict manual, the reason in the report', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, (t) =>
      t >= HOLD + 2 * INTERVAL ? { command: 'abort', reason: 'error budget burning' } : undefined,
    );
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('aborted');
    expect(report.verdict).toBe('manual');
    expect(report.reason).toBe(
      'aborted by hand through control-file ops/canary.txt at step 2 (25%): error budget burning',
    );
    expect(h.router.weights).toEqual([5, 25, 0]);
    expect(report.finalWeight).toBe(0);
    // Nothing is collected once the abort is read.
    expect(h.events.filter((e) => e.startsWith('collect step 2'))).toHaveLength(1);
    expect(h.store.states.get(KEY)?.status).toBe('aborted');
    expect(h.store.states.get(KEY)?.verdict).toBe('manual');
  });

  it('promotes by hand: the steps left are skipped, the last weight set and not judged', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, (t) =>
      t >= 2 * INTERVAL ? { command: 'promote', reason: 'hotfix, judged in staging' } : undefined,
    );
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('promoted');
    expect(report.verdict).toBe('manual');
    expect(h.router.weights).toEqual([5, 100]);
    expect(report.steps.map((s) => [s.weight, s.outcome, s.verdict])).toEqual([
      [5, 'passed', 'pass'],
      [100, 'passed', 'not-judged'],
    ]);
    expect(report.reason).toBe(
      'promoted by hand through control-file ops/canary.txt at step 1 (5%): hotfix, judged in staging; the canary stands at 100%',
    );
    expect(h.store.states.get(KEY)?.status).toBe('promoted');
  });

  it('aborts when the router cannot set the weight a promotion by hand asks for', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, () => ({ command: 'promote' }));
    h.router.failWhen = (change) => change.weight === 100;
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('aborted');
    expect(report.verdict).toBe('router');
    expect(h.router.weights).toEqual([5, 100, 0]);
  });

  it('logs a control it cannot read once and carries on as if it said nothing', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, () => new ControlError("'paws' is not a command"));
    const report = await runRollout(settings(), h.deps);
    expect(report.status).toBe('promoted');
    expect(report.verdict).toBe('pass');
    const warned = h.logs.filter((l) => l.includes("'paws' is not a command"));
    expect(warned).toEqual(["warning: control-file ops/canary.txt: 'paws' is not a command; ignored"]);
    expect(report.steps[0]!.notes).toContain("control-file ops/canary.txt: 'paws' is not a command; ignored");
  });

  it('ends a rollout paused past max-duration as a timeout', async () => {
    const h = harness();
    h.deps.control = scriptedControl(h.events, h.clock, () => ({ command: 'pause' }));
    const report = await runRollout(settings({ maxDurationMs: 5 * 60_000 }), h.deps);
    expect(report.status).toBe('aborted');
    expect(report.verdict).toBe('timeout');
    expect(h.router.weights).toEqual([5, 0]);
  });
});
